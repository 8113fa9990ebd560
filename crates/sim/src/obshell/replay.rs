//! Replay protection for the auth header: a header is accepted once within its lifetime.
//!
//! obshell itself only checks the expiry; the simulator also remembers every verified header
//! (by a digest of its `ts`, `uri` and `keys`: the AES keys are fresh random bytes in every
//! request the SDKs make, so a legitimate request never repeats them) until its `ts` passes,
//! after which the expiry check rejects it anyway.

use sha2::{Digest, Sha256};
use std::collections::{BTreeSet, HashSet};

use obtui_api::obshell::crypto::AuthHeader;

/// Headers remembered at most; beyond this the ones expiring last are forgotten first (a
/// client choosing a far-future `ts` cannot grow memory without bound).
const MAX_SEEN: usize = 200_000;

#[derive(Debug, Default)]
pub struct ReplayGuard {
    seen: HashSet<[u8; 32]>,
    by_expiry: BTreeSet<(i64, [u8; 32])>,
}

/// The digest a header is remembered by. The password is left out: it adds nothing to the
/// uniqueness and need not be kept in any form.
pub fn header_digest(h: &AuthHeader) -> [u8; 32] {
    let mut d = Sha256::new();
    for part in [h.ts.as_bytes(), h.uri.as_bytes(), h.keys.as_bytes()] {
        d.update((part.len() as u64).to_le_bytes());
        d.update(part);
    }
    d.finalize().into()
}

impl ReplayGuard {
    /// Record a header expiring at `expires` (unix s); false when it was recorded before and
    /// has not expired yet.
    pub fn first_use(&mut self, digest: [u8; 32], expires: i64, now: i64) -> bool {
        while let Some(&(at, d)) = self.by_expiry.first() {
            if at >= now {
                break;
            }
            self.by_expiry.pop_first();
            self.seen.remove(&d);
        }
        if self.seen.contains(&digest) {
            return false;
        }
        while self.seen.len() >= MAX_SEEN {
            match self.by_expiry.pop_last() {
                Some((_, d)) => {
                    self.seen.remove(&d);
                }
                None => break,
            }
        }
        self.seen.insert(digest);
        self.by_expiry.insert((expires, digest));
        true
    }

    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.seen.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_header_is_accepted_once_until_it_expires() {
        let mut g = ReplayGuard::default();
        assert!(g.first_use([1; 32], 100, 50));
        assert!(!g.first_use([1; 32], 100, 60));
        assert!(g.first_use([2; 32], 100, 60));
        // Past its expiry it is forgotten (the expiry check rejects it by then).
        assert!(g.first_use([3; 32], 200, 101));
        assert_eq!(g.len(), 1);
    }

    #[test]
    fn digest_depends_on_every_field_but_the_password() {
        use obtui_api::secret::Secret;
        let h = |auth: &str, ts: &str, uri: &str, keys: &str| AuthHeader {
            auth: Secret::new(auth),
            ts: ts.into(),
            uri: uri.into(),
            keys: keys.into(),
        };
        let base = header_digest(&h("p", "1", "/a", "k"));
        assert_eq!(base, header_digest(&h("other", "1", "/a", "k")));
        assert_ne!(base, header_digest(&h("p", "2", "/a", "k")));
        assert_ne!(base, header_digest(&h("p", "1", "/b", "k")));
        assert_ne!(base, header_digest(&h("p", "1", "/a", "k2")));
        // Field boundaries count: ("1", "/a") differs from ("1/", "a").
        assert_ne!(base, header_digest(&h("p", "1/", "a", "k")));
    }
}
