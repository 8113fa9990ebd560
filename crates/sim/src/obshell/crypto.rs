//! The agent's side of obshell's "API hybrid encryption" (auth version v2): key generation,
//! the public key as `/api/v1/secret` serves it, and decryption of `X-OCS-Header` (RSA
//! PKCS#1 v1.5, key-size blocks) and of request bodies (AES-128-CBC/PKCS#7, base64 text).
//!
//! The client's side (sealing a request) and the shared header types ([`AuthHeader`],
//! [`AesKeys`], [`CryptoError`]) live in `obtui_api::obshell::crypto`.

use aes::cipher::block_padding::Pkcs7;
use aes::cipher::{BlockDecryptMut, KeyIvInit};
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use rand::rngs::StdRng;
use rand::SeedableRng;
use rsa::pkcs1::{DecodeRsaPrivateKey, EncodeRsaPublicKey};
use rsa::pkcs8::DecodePrivateKey;
use rsa::traits::PublicKeyParts;
use rsa::{Pkcs1v15Encrypt, RsaPrivateKey, RsaPublicKey};
use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};
use zeroize::Zeroizing;

use obtui_api::obshell::crypto::{AesKeys, AuthHeader, CryptoError};
use obtui_api::secret::Secret;

/// RSA key size obshell generates since 2026-03 (`KEY_SIZE = 1024`).
pub const AGENT_KEY_BITS: usize = 1024;

type Aes128CbcDec = cbc::Decryptor<aes::Aes128>;

/// The agent key made from `seed` (the same seed, the same key). 1024-bit generation is slow
/// in debug builds, so each seed's key is made once per process.
pub fn agent_key(seed: u64) -> Result<RsaPrivateKey, CryptoError> {
    static KEYS: OnceLock<Mutex<HashMap<u64, RsaPrivateKey>>> = OnceLock::new();
    let keys = KEYS.get_or_init(|| Mutex::new(HashMap::new()));
    if let Some(k) = keys.lock().unwrap_or_else(|e| e.into_inner()).get(&seed) {
        return Ok(k.clone());
    }
    // Generated outside the lock so that agents' keys can be made in parallel.
    let mut rng = StdRng::seed_from_u64(seed ^ 0x6f62_7368_656c_6c00);
    let key = RsaPrivateKey::new(&mut rng, AGENT_KEY_BITS)
        .map_err(|e| CryptoError::Key(e.to_string()))?;
    Ok(keys
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .entry(seed)
        .or_insert(key)
        .clone())
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

/// Reverse of `rsa_encrypt_chunked`: decrypt key-size blocks and concatenate the plaintexts.
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

/// Parse the header's `keys` field (32 bytes after base64: key ‖ iv).
pub fn aes_keys_from_b64(b64: &str) -> Result<AesKeys, CryptoError> {
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

/// The AES keys a decrypted header carries.
pub fn header_aes_keys(header: &AuthHeader) -> Result<AesKeys, CryptoError> {
    aes_keys_from_b64(&header.keys)
}

/// Reverse of `AesKeys::encrypt_body`: base64 text (whitespace ignored), then AES-128-CBC.
pub fn decrypt_body(keys: &AesKeys, wire: &[u8]) -> Result<Vec<u8>, CryptoError> {
    let text: Vec<u8> = wire
        .iter()
        .copied()
        .filter(|b| !b.is_ascii_whitespace())
        .collect();
    let cipher = B64
        .decode(&text)
        .map_err(|e| CryptoError::Base64(e.to_string()))?;
    Aes128CbcDec::new(&keys.key.into(), &keys.iv.into())
        .decrypt_padded_vec_mut::<Pkcs7>(&cipher)
        .map_err(|_| CryptoError::Aes("bad length or padding".into()))
}

/// Parse the header JSON; keys match case-insensitively (the Go SDK writes `Auth`, `Ts`, …
/// and obshell's decoder accepts both). `ts` may be a string or a number.
pub fn header_from_json(bytes: &[u8]) -> Result<AuthHeader, CryptoError> {
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

/// The header's `ts` (its expiry) as unix seconds, when it parses.
pub fn header_ts_unix(header: &AuthHeader) -> Option<i64> {
    header.ts.trim().parse().ok()
}

/// Decrypt and parse the value of `X-OCS-Auth` (auth version v1: `{"password", "ts"}`), as an
/// [`AuthHeader`] whose `auth` is the password and whose `uri` and `keys` are empty.
pub fn decrypt_legacy_header(
    key: &RsaPrivateKey,
    header_value: &str,
) -> Result<AuthHeader, CryptoError> {
    let cipher = B64
        .decode(header_value.trim())
        .map_err(|e| CryptoError::Base64(e.to_string()))?;
    let plain = Zeroizing::new(rsa_decrypt_blocks(key, &cipher)?);
    let value: serde_json::Value =
        serde_json::from_slice(&plain).map_err(|e| CryptoError::Json(e.to_string()))?;
    let password = value
        .get("password")
        .and_then(serde_json::Value::as_str)
        .unwrap_or_default();
    let ts = match value.get("ts") {
        Some(serde_json::Value::Number(n)) => n.to_string(),
        Some(serde_json::Value::String(s)) => s.clone(),
        _ => String::new(),
    };
    Ok(AuthHeader {
        auth: Secret::new(password),
        ts,
        uri: String::new(),
        keys: String::new(),
    })
}

/// Decrypt and parse the value of `X-OCS-Header` (or `X-OCS-Agent-Header`).
pub fn decrypt_header(key: &RsaPrivateKey, header_value: &str) -> Result<AuthHeader, CryptoError> {
    let cipher = B64
        .decode(header_value.trim())
        .map_err(|e| CryptoError::Base64(e.to_string()))?;
    let plain = Zeroizing::new(rsa_decrypt_blocks(key, &cipher)?);
    header_from_json(&plain)
}

#[cfg(test)]
mod tests {
    use super::*;
    use obtui_api::obshell::crypto::{parse_public_key, seal_request};

    fn test_key() -> RsaPrivateKey {
        let mut rng = StdRng::seed_from_u64(7);
        // 512 bits keeps debug-build tests fast; chunking is the same at any size.
        RsaPrivateKey::new(&mut rng, 512).unwrap()
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
        let back = decrypt_header(&sk, &wire).unwrap();
        assert_eq!(back, h);
        assert_eq!(header_ts_unix(&back), Some(1_800_000_000));
        assert_eq!(header_aes_keys(&back).unwrap(), keys);
    }

    #[test]
    fn header_keys_match_case_insensitively_and_ts_may_be_a_number() {
        let h = header_from_json(br#"{"Auth":"x","Ts":17,"Uri":"/a","Keys":"k"}"#).unwrap();
        assert_eq!(h.auth.expose(), "x");
        assert_eq!(h.ts, "17");
        assert_eq!(h.uri, "/a");
        assert_eq!(h.keys, "k");
        assert!(header_from_json(b"[1]").is_err());
        assert!(header_from_json(b"garbage").is_err());
    }

    #[test]
    fn body_round_trip_and_tamper_detection() {
        let mut rng = StdRng::seed_from_u64(2);
        let keys = AesKeys::generate(&mut rng);
        let wire = keys.encrypt_body(br#"{"operator": "RETRY"}"#);
        assert_eq!(
            decrypt_body(&keys, wire.as_bytes()).unwrap(),
            br#"{"operator": "RETRY"}"#
        );
        let other = AesKeys::generate(&mut rng);
        // A wrong key almost always breaks the padding; it never yields the plaintext.
        assert_ne!(
            decrypt_body(&other, wire.as_bytes()).ok().as_deref(),
            Some(&br#"{"operator": "RETRY"}"#[..])
        );
        assert!(decrypt_body(&keys, b"not base64!").is_err());
        assert!(decrypt_body(&keys, b"AAAA").is_err());
    }

    #[test]
    fn keys_field_must_be_32_bytes() {
        assert!(aes_keys_from_b64(&B64.encode([0u8; 31])).is_err());
        assert!(aes_keys_from_b64(&B64.encode([0u8; 32])).is_ok());
        let mut rng = StdRng::seed_from_u64(4);
        let keys = AesKeys::generate(&mut rng);
        assert_eq!(aes_keys_from_b64(&keys.to_b64()).unwrap(), keys);
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
        assert!(decrypt_header(&sk, "%%%").is_err());
        assert!(decrypt_header(&sk, &B64.encode([1u8; 64])).is_err());
        assert!(decrypt_header(&sk, &B64.encode([1u8; 10])).is_err());
    }

    #[test]
    fn a_sealed_request_opens_with_the_agent_key() {
        let sk = test_key();
        let mut rng = StdRng::seed_from_u64(5);
        let sealed = seal_request(
            &mut rng,
            &sk.to_public_key(),
            &Secret::new("pw"),
            "/api/v1/x",
            Some(b"{}"),
            42,
        )
        .unwrap();
        let h = decrypt_header(&sk, &sealed.header_value).unwrap();
        assert_eq!(
            (h.auth.expose(), h.uri.as_str(), h.ts.as_str()),
            ("pw", "/api/v1/x", "42")
        );
        let keys = header_aes_keys(&h).unwrap();
        assert_eq!(
            decrypt_body(&keys, sealed.body.unwrap().as_bytes()).unwrap(),
            b"{}"
        );
    }

    #[test]
    fn agent_keys_are_per_seed_and_stable() {
        let a = agent_key(11).unwrap();
        assert_eq!(a.size() * 8, AGENT_KEY_BITS);
        assert_eq!(agent_key(11).unwrap(), a);
    }
}
