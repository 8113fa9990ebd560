//! The hybrid encryption against the genuine SDK test vector
//! (tests/fixtures/obshell/crypto-test-vector-x-ocs-header.json, made by obshell==0.0.9's
//! `PasswordAuthMethodV2.auth` with a throwaway key).

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use obtui_api::obshell::crypto::{self, AesKeys, HEADER};
use obtui_api::secret::Secret;
use obtui_sim::obshell::crypto as agent;
use rand::rngs::StdRng;
use rand::SeedableRng;
use rsa::traits::PublicKeyParts;
use std::path::PathBuf;

fn vector() -> serde_json::Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/obshell/crypto-test-vector-x-ocs-header.json");
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

fn s<'a>(v: &'a serde_json::Value, k: &str) -> &'a str {
    v[k].as_str().unwrap_or_else(|| panic!("{k}"))
}

#[test]
fn decrypts_the_sdk_header() {
    let v = vector();
    assert_eq!(s(&v, "header_name"), HEADER);
    let sk = agent::parse_private_key(s(&v, "rsa_private_key_pkcs1_der_b64")).unwrap();
    assert_eq!(sk.size() * 8, 1024);

    let raw = B64.decode(s(&v, "header_value")).unwrap();
    assert_eq!(raw.len(), 384);
    assert_eq!(raw.len() / sk.size(), 3);
    let plain = agent::rsa_decrypt_blocks(&sk, &raw).unwrap();
    assert_eq!(plain, s(&v, "header_plaintext").as_bytes());

    let h = agent::decrypt_header(&sk, s(&v, "header_value")).unwrap();
    assert_eq!(h.auth.expose(), "rootpass");
    assert_eq!(h.ts, "1795320480");
    assert_eq!(agent::header_ts_unix(&h), Some(1_795_320_480));
    assert_eq!(h.uri, s(&v, "request_uri"));
    assert_eq!(h.uri, "/api/v1/ob/scale_out");
    let keys = agent::header_aes_keys(&h).unwrap();
    assert_eq!(B64.encode(keys.key), s(&v, "aes_key_b64"));
    assert_eq!(B64.encode(keys.iv), s(&v, "aes_iv_b64"));
}

#[test]
fn decrypts_the_sdk_body() {
    let v = vector();
    let sk = agent::parse_private_key(s(&v, "rsa_private_key_pkcs1_der_b64")).unwrap();
    let h = agent::decrypt_header(&sk, s(&v, "header_value")).unwrap();
    let keys = agent::header_aes_keys(&h).unwrap();
    let body = agent::decrypt_body(&keys, s(&v, "body_on_wire").as_bytes()).unwrap();
    assert_eq!(body, s(&v, "body_plaintext").as_bytes());
    let json: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(json["agentInfo"]["ip"], "10.0.0.4");
    assert_eq!(json["obConfigs"]["datafile_size"], "24G");
    // Same key and IV, same plaintext: AES-CBC is deterministic, so our encryption must give
    // the SDK's exact bytes.
    assert_eq!(
        keys.encrypt_body(s(&v, "body_plaintext").as_bytes()),
        s(&v, "body_on_wire")
    );
}

#[test]
fn public_key_of_the_vector_parses_and_matches_the_private_key() {
    let v = vector();
    let sk = agent::parse_private_key(s(&v, "rsa_private_key_pkcs1_der_b64")).unwrap();
    // The vector's "public key" is in SubjectPublicKeyInfo form; it must parse too.
    let pk = crypto::parse_public_key(s(&v, "rsa_public_key_pkcs1_der_b64")).unwrap();
    assert_eq!(pk, sk.to_public_key());
    // What we serve from /secret is PKCS#1, and it parses back to the same key.
    let served = agent::public_key_to_b64(&pk).unwrap();
    assert!(served.starts_with("MIGJAoGBA"));
    assert_eq!(crypto::parse_public_key(&served).unwrap(), pk);
}

#[test]
fn our_sealed_request_opens_with_the_vector_key() {
    let v = vector();
    let sk = agent::parse_private_key(s(&v, "rsa_private_key_pkcs1_der_b64")).unwrap();
    let pk = sk.to_public_key();
    let mut rng = StdRng::seed_from_u64(42);
    let uri = "/api/v1/task/dag/13?show_details=true";
    let body = br#"{"operator":"RETRY"}"#;
    let sealed = crypto::seal_request(
        &mut rng,
        &pk,
        &Secret::new("rootpass"),
        uri,
        Some(body),
        1_900_000_000,
    )
    .unwrap();
    // The header JSON is ~150 bytes: three 53-byte chunks, three 128-byte blocks.
    assert_eq!(B64.decode(&sealed.header_value).unwrap().len(), 3 * 128);
    let h = agent::decrypt_header(&sk, &sealed.header_value).unwrap();
    assert_eq!(h.auth.expose(), "rootpass");
    assert_eq!(h.uri, uri);
    assert_eq!(agent::header_ts_unix(&h), Some(1_900_000_000));
    let keys = agent::header_aes_keys(&h).unwrap();
    let opened = agent::decrypt_body(&keys, sealed.body.unwrap().as_bytes()).unwrap();
    assert_eq!(opened, body);

    // Fresh keys per request: sealing again gives a different key.
    let again = crypto::seal_request(
        &mut rng,
        &pk,
        &Secret::new("rootpass"),
        uri,
        None,
        1_900_000_000,
    )
    .unwrap();
    assert!(again.body.is_none());
    let h2 = agent::decrypt_header(&sk, &again.header_value).unwrap();
    assert_ne!(h2.keys, h.keys);
}

#[test]
fn wrong_key_cannot_open_the_header() {
    let v = vector();
    let mut rng = StdRng::seed_from_u64(9);
    let other = rsa::RsaPrivateKey::new(&mut rng, 1024).unwrap();
    assert!(agent::decrypt_header(&other, s(&v, "header_value")).is_err());
    let keys = AesKeys::generate(&mut rng);
    assert!(agent::decrypt_body(&keys, s(&v, "body_on_wire").as_bytes()).is_err());
}
