//! obshell "API hybrid encryption" (auth version v2), both directions.
//!
//! Client side: the header JSON `{auth, ts, uri, keys}` is RSA-PKCS#1-v1.5-encrypted in 53-byte
//! chunks with the agent's public key (from `GET /api/v1/secret`) and sent base64-encoded as
//! `X-OCS-Header`; the body is AES-128-CBC/PKCS#7 with a fresh key and IV and travels as base64
//! text. Server side (the simulator): the same steps reversed with the private key.

use aes::cipher::block_padding::Pkcs7;
use aes::cipher::{BlockDecryptMut, BlockEncryptMut, KeyIvInit};
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use rsa::pkcs1::{DecodeRsaPrivateKey, DecodeRsaPublicKey, EncodeRsaPublicKey};
use rsa::pkcs8::{DecodePrivateKey, DecodePublicKey};
use rsa::rand_core::CryptoRngCore;
use rsa::traits::PublicKeyParts;
use rsa::{Pkcs1v15Encrypt, RsaPrivateKey, RsaPublicKey};
use std::fmt;
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use crate::secret::Secret;

/// Header carrying the root@sys (OceanBase) password.
pub const HEADER: &str = "X-OCS-Header";
/// Header carrying the agent password.
pub const AGENT_HEADER: &str = "X-OCS-Agent-Header";
/// Plaintext bytes per RSA block, as the SDKs send it (64 − 11: a leftover from 512-bit keys;
/// the server decrypts per key-size block, so it works with any key size).
pub const HEADER_CHUNK: usize = 53;
/// Lifetime the SDKs give a header (`ts` = now + this).
pub const HEADER_LIFETIME_SECS: i64 = 60;
/// RSA key size obshell generates since 2026-03 (`KEY_SIZE = 1024`).
pub const AGENT_KEY_BITS: usize = 1024;

type Aes128CbcEnc = cbc::Encryptor<aes::Aes128>;
type Aes128CbcDec = cbc::Decryptor<aes::Aes128>;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CryptoError {
    #[error("invalid base64: {0}")]
    Base64(String),
    #[error("invalid RSA key: {0}")]
    Key(String),
    #[error("RSA: {0}")]
    Rsa(String),
    #[error("AES: {0}")]
    Aes(String),
    #[error("header JSON: {0}")]
    Json(String),
}

/// Parse the agent's public key: base64 of a PKCS#1 `RSAPublicKey` (what obshell serves).
/// SubjectPublicKeyInfo is accepted too, as pycryptodome does.
pub fn parse_public_key(b64: &str) -> Result<RsaPublicKey, CryptoError> {
    let der = B64
        .decode(b64.trim())
        .map_err(|e| CryptoError::Base64(e.to_string()))?;
    RsaPublicKey::from_pkcs1_der(&der)
        .or_else(|_| RsaPublicKey::from_public_key_der(&der))
        .map_err(|e| CryptoError::Key(e.to_string()))
}

/// base64 of the PKCS#1 DER encoding, as `GET /api/v1/secret` serves it.
pub fn public_key_to_b64(key: &RsaPublicKey) -> Result<String, CryptoError> {
    let doc = key
        .to_pkcs1_der()
        .map_err(|e| CryptoError::Key(e.to_string()))?;
    Ok(B64.encode(doc.as_bytes()))
}

/// Parse a private key: base64 of PKCS#1 `RSAPrivateKey` DER, or PKCS#8.
pub fn parse_private_key(b64: &str) -> Result<RsaPrivateKey, CryptoError> {
    let der = Zeroizing::new(
        B64.decode(b64.trim())
            .map_err(|e| CryptoError::Base64(e.to_string()))?,
    );
    RsaPrivateKey::from_pkcs1_der(&der)
        .or_else(|_| RsaPrivateKey::from_pkcs8_der(&der))
        .map_err(|e| CryptoError::Key(e.to_string()))
}

/// RSA PKCS#1 v1.5 over `plain` in `chunk`-byte pieces; the ciphertext blocks are concatenated.
pub fn rsa_encrypt_chunked(
    rng: &mut impl CryptoRngCore,
    key: &RsaPublicKey,
    plain: &[u8],
    chunk: usize,
) -> Result<Vec<u8>, CryptoError> {
    let max = key.size().saturating_sub(11);
    if chunk == 0 || chunk > max {
        return Err(CryptoError::Rsa(format!(
            "chunk of {chunk} bytes does not fit a {}-byte key",
            key.size()
        )));
    }
    let mut out = Vec::with_capacity(plain.len().div_ceil(chunk) * key.size());
    for piece in plain.chunks(chunk) {
        let block = key
            .encrypt(rng, Pkcs1v15Encrypt, piece)
            .map_err(|e| CryptoError::Rsa(e.to_string()))?;
        out.extend_from_slice(&block);
    }
    Ok(out)
}

/// Reverse of [`rsa_encrypt_chunked`]: decrypt key-size blocks and concatenate the plaintexts.
pub fn rsa_decrypt_blocks(key: &RsaPrivateKey, cipher: &[u8]) -> Result<Vec<u8>, CryptoError> {
    let size = key.size();
    if cipher.is_empty() || size == 0 || !cipher.len().is_multiple_of(size) {
        return Err(CryptoError::Rsa(format!(
            "ciphertext of {} bytes is not a whole number of {size}-byte blocks",
            cipher.len()
        )));
    }
    let mut out = Vec::with_capacity(cipher.len());
    for block in cipher.chunks(size) {
        let plain = key
            .decrypt(Pkcs1v15Encrypt, block)
            .map_err(|e| CryptoError::Rsa(e.to_string()))?;
        out.extend_from_slice(&plain);
    }
    Ok(out)
}

/// One request's AES-128 key and CBC IV. Wiped on drop; never printed.
#[derive(Clone, PartialEq, Eq, Zeroize, ZeroizeOnDrop)]
pub struct AesKeys {
    pub key: [u8; 16],
    pub iv: [u8; 16],
}

impl fmt::Debug for AesKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AesKeys(***)")
    }
}

impl AesKeys {
    /// A fresh random key and IV.
    pub fn generate(rng: &mut impl CryptoRngCore) -> Self {
        let mut keys = AesKeys {
            key: [0; 16],
            iv: [0; 16],
        };
        rng.fill_bytes(&mut keys.key);
        rng.fill_bytes(&mut keys.iv);
        keys
    }

    /// The header's `keys` field: base64(key ‖ iv).
    pub fn to_b64(&self) -> String {
        let mut both = Zeroizing::new([0u8; 32]);
        both[..16].copy_from_slice(&self.key);
        both[16..].copy_from_slice(&self.iv);
        B64.encode(both.as_ref())
    }

    /// Parse the header's `keys` field (32 bytes after base64).
    pub fn from_b64(b64: &str) -> Result<Self, CryptoError> {
        let raw = Zeroizing::new(
            B64.decode(b64.trim())
                .map_err(|e| CryptoError::Base64(e.to_string()))?,
        );
        if raw.len() != 32 {
            return Err(CryptoError::Aes(format!(
                "keys are {} bytes, expected 32 (16-byte key and 16-byte IV)",
                raw.len()
            )));
        }
        let mut keys = AesKeys {
            key: [0; 16],
            iv: [0; 16],
        };
        keys.key.copy_from_slice(&raw[..16]);
        keys.iv.copy_from_slice(&raw[16..]);
        Ok(keys)
    }

    /// AES-128-CBC with PKCS#7 padding, then base64: the request body as sent on the wire.
    pub fn encrypt_body(&self, plain: &[u8]) -> String {
        let cipher = Aes128CbcEnc::new(&self.key.into(), &self.iv.into())
            .encrypt_padded_vec_mut::<Pkcs7>(plain);
        B64.encode(cipher)
    }

    /// Reverse of [`AesKeys::encrypt_body`].
    pub fn decrypt_body(&self, wire: &[u8]) -> Result<Vec<u8>, CryptoError> {
        let text: Vec<u8> = wire
            .iter()
            .copied()
            .filter(|b| !b.is_ascii_whitespace())
            .collect();
        let cipher = B64
            .decode(&text)
            .map_err(|e| CryptoError::Base64(e.to_string()))?;
        Aes128CbcDec::new(&self.key.into(), &self.iv.into())
            .decrypt_padded_vec_mut::<Pkcs7>(&cipher)
            .map_err(|_| CryptoError::Aes("bad length or padding".into()))
    }
}

/// The decrypted `X-OCS-Header` JSON.
#[derive(Clone, PartialEq, Eq)]
pub struct AuthHeader {
    /// root@sys password (X-OCS-Header) or agent password (X-OCS-Agent-Header).
    pub auth: Secret,
    /// Expiry, unix seconds, as the SDK sends it (a string).
    pub ts: String,
    /// Request path plus `?query`, exactly as sent.
    pub uri: String,
    /// base64(aes key ‖ iv).
    pub keys: String,
}

impl fmt::Debug for AuthHeader {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthHeader")
            .field("auth", &self.auth)
            .field("ts", &self.ts)
            .field("uri", &self.uri)
            .field("keys", &"***")
            .finish()
    }
}

impl AuthHeader {
    pub fn new(auth: Secret, expires_unix: i64, uri: impl Into<String>, keys: &AesKeys) -> Self {
        AuthHeader {
            auth,
            ts: expires_unix.to_string(),
            uri: uri.into(),
            keys: keys.to_b64(),
        }
    }

    /// JSON with the field names the Python SDK writes.
    pub fn to_json(&self) -> Zeroizing<Vec<u8>> {
        let value = serde_json::json!({
            "auth": self.auth.expose(),
            "ts": self.ts,
            "uri": self.uri,
            "keys": self.keys,
        });
        // Serializing a json! map of strings cannot fail.
        Zeroizing::new(serde_json::to_vec(&value).unwrap_or_default())
    }

    /// Parse the JSON; keys match case-insensitively (the Go SDK writes `Auth`, `Ts`, … and the
    /// server's decoder accepts both). `ts` may be a string or a number.
    pub fn from_json(bytes: &[u8]) -> Result<Self, CryptoError> {
        let value: serde_json::Value =
            serde_json::from_slice(bytes).map_err(|e| CryptoError::Json(e.to_string()))?;
        let map = value
            .as_object()
            .ok_or_else(|| CryptoError::Json("not an object".into()))?;
        let mut header = AuthHeader {
            auth: Secret::default(),
            ts: String::new(),
            uri: String::new(),
            keys: String::new(),
        };
        for (k, v) in map {
            let text = match v {
                serde_json::Value::String(s) => s.clone(),
                serde_json::Value::Number(n) => n.to_string(),
                serde_json::Value::Null => String::new(),
                _ => continue,
            };
            match k.to_ascii_lowercase().as_str() {
                "auth" => header.auth = Secret::new(text),
                "ts" => header.ts = text,
                "uri" => header.uri = text,
                "keys" => header.keys = text,
                _ => {}
            }
        }
        Ok(header)
    }

    /// `ts` as unix seconds, when it parses.
    pub fn ts_unix(&self) -> Option<i64> {
        self.ts.trim().parse().ok()
    }

    pub fn aes_keys(&self) -> Result<AesKeys, CryptoError> {
        AesKeys::from_b64(&self.keys)
    }

    /// RSA-encrypt this header into the value of `X-OCS-Header`.
    pub fn encrypt(
        &self,
        rng: &mut impl CryptoRngCore,
        key: &RsaPublicKey,
    ) -> Result<String, CryptoError> {
        let plain = self.to_json();
        let cipher = rsa_encrypt_chunked(rng, key, &plain, HEADER_CHUNK)?;
        Ok(B64.encode(cipher))
    }

    /// Decrypt and parse the value of `X-OCS-Header` (or `X-OCS-Agent-Header`).
    pub fn decrypt(key: &RsaPrivateKey, header_value: &str) -> Result<Self, CryptoError> {
        let cipher = B64
            .decode(header_value.trim())
            .map_err(|e| CryptoError::Base64(e.to_string()))?;
        let plain = Zeroizing::new(rsa_decrypt_blocks(key, &cipher)?);
        AuthHeader::from_json(&plain)
    }
}

/// What a client puts on the wire for one authenticated request.
pub struct SealedRequest {
    /// Value of the `X-OCS-Header` (or agent) header.
    pub header_value: String,
    /// base64 AES ciphertext of the body, when the request has one.
    pub body: Option<String>,
}

impl fmt::Debug for SealedRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SealedRequest")
            .field("header_len", &self.header_value.len())
            .field("body_len", &self.body.as_ref().map(String::len))
            .finish()
    }
}

/// Seal one request: fresh AES key and IV, header `{auth, ts, uri, keys}` under RSA, body under
/// AES. `uri` must be the path and query exactly as they will be sent.
pub fn seal_request(
    rng: &mut impl CryptoRngCore,
    key: &RsaPublicKey,
    password: &Secret,
    uri: &str,
    body: Option<&[u8]>,
    expires_unix: i64,
) -> Result<SealedRequest, CryptoError> {
    let keys = AesKeys::generate(rng);
    let header = AuthHeader::new(password.clone(), expires_unix, uri, &keys);
    let header_value = header.encrypt(rng, key)?;
    let body = body.map(|b| keys.encrypt_body(b));
    Ok(SealedRequest { header_value, body })
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::rngs::StdRng;
    use rand::SeedableRng;

    fn test_key() -> RsaPrivateKey {
        let mut rng = StdRng::seed_from_u64(7);
        // 512 bits keeps debug-build tests fast; chunking is the same at any size.
        RsaPrivateKey::new(&mut rng, 512).expect("keygen")
    }

    #[test]
    fn header_round_trip_across_several_blocks() {
        let sk = test_key();
        let pk = sk.to_public_key();
        let mut rng = StdRng::seed_from_u64(1);
        let keys = AesKeys::generate(&mut rng);
        let h = AuthHeader::new(
            Secret::new("p@ss"),
            1_800_000_000,
            "/api/v1/task/dag/13?show_details=True",
            &keys,
        );
        let wire = h.encrypt(&mut rng, &pk).unwrap();
        let cipher = B64.decode(&wire).unwrap();
        // 512-bit key: 64-byte blocks, 53 plaintext bytes each.
        assert_eq!(cipher.len() % 64, 0);
        assert!(cipher.len() / 64 >= 3);
        let back = AuthHeader::decrypt(&sk, &wire).unwrap();
        assert_eq!(back, h);
        assert_eq!(back.ts_unix(), Some(1_800_000_000));
        assert_eq!(back.aes_keys().unwrap(), keys);
    }

    #[test]
    fn header_keys_match_case_insensitively_and_ts_may_be_a_number() {
        let h = AuthHeader::from_json(br#"{"Auth":"x","Ts":17,"Uri":"/a","Keys":"k"}"#).unwrap();
        assert_eq!(h.auth.expose(), "x");
        assert_eq!(h.ts, "17");
        assert_eq!(h.uri, "/a");
        assert_eq!(h.keys, "k");
        assert!(AuthHeader::from_json(b"[1]").is_err());
        assert!(AuthHeader::from_json(b"garbage").is_err());
    }

    #[test]
    fn body_round_trip_and_tamper_detection() {
        let mut rng = StdRng::seed_from_u64(2);
        let keys = AesKeys::generate(&mut rng);
        let wire = keys.encrypt_body(br#"{"operator": "RETRY"}"#);
        assert_eq!(
            keys.decrypt_body(wire.as_bytes()).unwrap(),
            br#"{"operator": "RETRY"}"#
        );
        let other = AesKeys::generate(&mut rng);
        // A wrong key almost always breaks the padding; it never yields the plaintext.
        assert_ne!(
            other.decrypt_body(wire.as_bytes()).ok().as_deref(),
            Some(&br#"{"operator": "RETRY"}"#[..])
        );
        assert!(keys.decrypt_body(b"not base64!").is_err());
        assert!(keys.decrypt_body(b"AAAA").is_err());
    }

    #[test]
    fn keys_field_must_be_32_bytes() {
        assert!(AesKeys::from_b64(&B64.encode([0u8; 31])).is_err());
        assert!(AesKeys::from_b64(&B64.encode([0u8; 32])).is_ok());
    }

    #[test]
    fn public_key_pkcs1_round_trip() {
        let pk = test_key().to_public_key();
        let b64 = public_key_to_b64(&pk).unwrap();
        assert_eq!(parse_public_key(&b64).unwrap(), pk);
        assert!(parse_public_key("AAAA").is_err());
    }

    #[test]
    fn undecryptable_header_is_an_error_not_a_panic() {
        let sk = test_key();
        assert!(AuthHeader::decrypt(&sk, "%%%").is_err());
        assert!(AuthHeader::decrypt(&sk, &B64.encode([1u8; 64])).is_err());
        assert!(AuthHeader::decrypt(&sk, &B64.encode([1u8; 10])).is_err());
    }

    #[test]
    fn debug_output_hides_secrets() {
        let mut rng = StdRng::seed_from_u64(3);
        let keys = AesKeys::generate(&mut rng);
        let h = AuthHeader::new(Secret::new("hunter2"), 1, "/x", &keys);
        let text = format!("{h:?} {keys:?}");
        assert!(!text.contains("hunter2"));
        assert!(!text.contains(&keys.to_b64()));
    }
}
