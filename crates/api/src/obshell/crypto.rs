//! obshell "API hybrid encryption" (auth version v2), the client's side.
//!
//! The header JSON `{auth, ts, uri, keys}` is RSA-PKCS#1-v1.5-encrypted in 53-byte chunks with
//! the agent's public key (from `GET /api/v1/secret`) and sent base64-encoded as
//! `X-OCS-Header`; the body is AES-128-CBC/PKCS#7 with a fresh key and IV and travels as base64
//! text. The agent's side (the same steps reversed with the private key, and agent keys) is the
//! simulator's: `obtui_sim::obshell::crypto`. The header types here are shared by both.

use aes::cipher::block_padding::Pkcs7;
use aes::cipher::{BlockEncryptMut, KeyIvInit};
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use rsa::pkcs1::DecodeRsaPublicKey;
use rsa::pkcs8::DecodePublicKey;
use rsa::rand_core::CryptoRngCore;
use rsa::traits::PublicKeyParts;
use rsa::{Pkcs1v15Encrypt, RsaPublicKey};
use std::fmt;
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use crate::secret::Secret;

/// Header carrying the root@sys (OceanBase) password.
pub const HEADER: &str = "X-OCS-Header";
/// Header carrying the agent password.
pub const AGENT_HEADER: &str = "X-OCS-Agent-Header";
/// obshell 4.2.2.0's header (auth version v1): base64(RSA(`{"password", "ts"}`)), with the
/// body in plaintext JSON.
pub const LEGACY_HEADER: &str = "X-OCS-Auth";
/// Plaintext bytes per RSA block, as the SDKs send it (64 − 11: a leftover from 512-bit keys;
/// the server decrypts per key-size block, so it works with any key size).
pub const HEADER_CHUNK: usize = 53;
/// Lifetime the SDKs give a header (`ts` = now + this).
pub const HEADER_LIFETIME_SECS: i64 = 60;

type Aes128CbcEnc = cbc::Encryptor<aes::Aes128>;

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

    /// AES-128-CBC with PKCS#7 padding, then base64: the request body as sent on the wire.
    pub fn encrypt_body(&self, plain: &[u8]) -> String {
        let cipher = Aes128CbcEnc::new(&self.key.into(), &self.iv.into())
            .encrypt_padded_vec_mut::<Pkcs7>(plain);
        B64.encode(cipher)
    }
}

/// The `X-OCS-Header` JSON (what the client seals and the agent opens).
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

/// The value of [`LEGACY_HEADER`] (auth version v1, as the Python SDK's
/// `PasswordAuthMethodV1`): `{"password": …, "ts": <unix seconds, a number>}` under RSA, in
/// [`HEADER_CHUNK`]-byte pieces, base64.
pub fn seal_legacy_header(
    rng: &mut impl CryptoRngCore,
    key: &RsaPublicKey,
    password: &Secret,
    expires_unix: i64,
) -> Result<String, CryptoError> {
    let value = serde_json::json!({"password": password.expose(), "ts": expires_unix});
    let plain = Zeroizing::new(serde_json::to_vec(&value).unwrap_or_default());
    let cipher = rsa_encrypt_chunked(rng, key, &plain, HEADER_CHUNK)?;
    Ok(B64.encode(cipher))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::rngs::StdRng;
    use rand::SeedableRng;
    use rsa::pkcs1::EncodeRsaPublicKey;
    use rsa::RsaPrivateKey;

    fn test_key() -> RsaPrivateKey {
        let mut rng = StdRng::seed_from_u64(7);
        // 512 bits keeps debug-build tests fast; chunking is the same at any size.
        RsaPrivateKey::new(&mut rng, 512).expect("keygen")
    }

    #[test]
    fn header_encrypts_in_key_size_blocks() {
        let pk = test_key().to_public_key();
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
        // 512-bit key: 64-byte blocks, one per 53 plaintext bytes.
        assert_eq!(cipher.len(), h.to_json().len().div_ceil(HEADER_CHUNK) * 64);
        assert!(cipher.len() / 64 >= 3);
        // Too large a chunk for the key is an error, not a panic.
        assert!(rsa_encrypt_chunked(&mut rng, &pk, b"x", 64).is_err());
        assert!(rsa_encrypt_chunked(&mut rng, &pk, b"x", 0).is_err());
    }

    #[test]
    fn header_json_has_the_sdk_field_names() {
        let keys = AesKeys {
            key: [1; 16],
            iv: [2; 16],
        };
        let h = AuthHeader::new(Secret::new("x"), 17, "/a", &keys);
        let v: serde_json::Value = serde_json::from_slice(&h.to_json()).unwrap();
        assert_eq!(v["auth"], "x");
        assert_eq!(v["ts"], "17");
        assert_eq!(v["uri"], "/a");
        assert_eq!(B64.decode(v["keys"].as_str().unwrap()).unwrap().len(), 32);
    }

    #[test]
    fn body_encryption_is_aes_cbc_in_base64() {
        let keys = AesKeys {
            key: [0; 16],
            iv: [0; 16],
        };
        // 16 bytes of plaintext pad to 32 bytes of ciphertext.
        let wire = keys.encrypt_body(&[b'a'; 16]);
        assert_eq!(B64.decode(&wire).unwrap().len(), 32);
        let mut rng = StdRng::seed_from_u64(2);
        let other = AesKeys::generate(&mut rng);
        assert_ne!(other.encrypt_body(&[b'a'; 16]), wire);
    }

    #[test]
    fn public_key_parses_pkcs1() {
        let pk = test_key().to_public_key();
        let b64 = B64.encode(pk.to_pkcs1_der().unwrap().as_bytes());
        assert_eq!(parse_public_key(&b64).unwrap(), pk);
        assert!(parse_public_key("AAAA").is_err());
        assert!(parse_public_key("%%%").is_err());
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
