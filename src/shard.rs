//! One machine's share of a campaign spread over N (`--shard K/N`): the K-th of N disjoint,
//! deterministic slices, dealt round-robin as nextest's `--partition count:K/N` deals tests.
//! Spec cases are dealt by their place among the names the harness lists (sorted, as nextest
//! sorts a binary's tests); generated cases by their place in the seed's draw order.

use std::fmt;
use std::str::FromStr;

/// The K-th of N slices (1 ≤ K ≤ N).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct Shard {
    /// K, from 1.
    pub index: u32,
    /// N.
    pub count: u32,
}

/// `--shard` was not `K/N` with 1 ≤ K ≤ N.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{given:?} is not a shard: write K/N with 1 <= K <= N, e.g. 2/4")]
pub struct ShardError {
    /// What was given.
    pub given: String,
}

impl Shard {
    /// Whether the item at `position` (from 0) of a dealt sequence is this shard's.
    pub fn owns(self, position: u64) -> bool {
        position % u64::from(self.count) == u64::from(self.index - 1)
    }
}

impl FromStr for Shard {
    type Err = ShardError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || ShardError { given: s.to_string() };
        let (k, n) = s.split_once('/').ok_or_else(bad)?;
        let (index, count): (u32, u32) = (
            k.trim().parse().map_err(|_| bad())?,
            n.trim().parse().map_err(|_| bad())?,
        );
        if index == 0 || index > count {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_are_disjoint_and_cover_every_position() {
        for n in 1..=5u32 {
            let shards: Vec<Shard> = (1..=n).map(|k| format!("{k}/{n}").parse().unwrap()).collect();
            for position in 0..40u64 {
                assert_eq!(
                    shards.iter().filter(|s| s.owns(position)).count(),
                    1,
                    "{position} of {n}"
                );
            }
        }
        assert!("1/3".parse::<Shard>().unwrap().owns(3));
    }

    #[test]
    fn only_k_of_n_is_a_shard() {
        for bad in ["0/3", "4/3", "3", "a/b", "1/0", "-1/2"] {
            assert!(bad.parse::<Shard>().is_err(), "{bad}");
        }
        assert_eq!("2/4".parse::<Shard>().unwrap().to_string(), "2/4");
    }
}
