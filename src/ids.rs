//! Random identifiers in the shapes the API uses (window ids, execution UUIDs).
//!
//! Drawn from the standard library's per-process random hasher keys, which is enough for ids
//! that only need to be unlikely to collide; nothing here is a secret.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};

static COUNTER: AtomicU64 = AtomicU64::new(0);

/// Whether `s` is a UUID as the model's pattern has it (8-4-4-4-12 hex digits, either case).
pub(crate) fn is_uuid(s: &str) -> bool {
    s.len() == 36
        && s.bytes().enumerate().all(|(i, b)| match i {
            8 | 13 | 18 | 23 => b == b'-',
            _ => b.is_ascii_hexdigit(),
        })
}

/// A random `u64`.
pub(crate) fn random_u64() -> u64 {
    let mut h = RandomState::new().build_hasher();
    h.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    h.finish()
}

/// A random, well-formed maintenance window id: `mw-` and 17 lower-case hex digits.
pub fn window_id() -> String {
    let hex = format!("{:016x}{:016x}", random_u64(), random_u64());
    format!("mw-{}", &hex[..17])
}

/// A random version-4 UUID, lower-case.
pub(crate) fn uuid_v4() -> String {
    let (a, b) = (random_u64(), random_u64());
    let a = (a & 0xffff_ffff_ffff_0fff) | 0x0000_0000_0000_4000;
    let b = (b & 0x3fff_ffff_ffff_ffff) | 0x8000_0000_0000_0000;
    format!(
        "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xffff,
        a & 0xffff,
        b >> 48,
        b & 0xffff_ffff_ffff
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_match_the_model() {
        let w = regex::Regex::new(r"^mw-[0-9a-f]{17}$").unwrap();
        let u = regex::Regex::new(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$").unwrap();
        for _ in 0..100 {
            assert!(w.is_match(&window_id()));
            assert!(u.is_match(&uuid_v4()));
        }
        assert_ne!(window_id(), window_id());
    }
}
