//! Deterministic randomness from the seed: the same seed gives the same population, history and
//! per-task noise on every run and every platform (no dependence on a library's algorithm).

/// SplitMix64's finaliser: a well-mixed 64-bit hash of `x`.
pub(crate) fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

/// A number in `[0, 1)` fixed by the seed and the parts (e.g. a push ID and a device class).
pub(crate) fn unit(seed: u64, parts: &[u64]) -> f64 {
    let h = parts.iter().fold(mix(seed), |acc, p| mix(acc ^ p));
    (h >> 11) as f64 / (1u64 << 53) as f64
}

/// A stable hash of a string (a tag set, a token), for noise that follows the value.
pub(crate) fn hash_str(s: &str) -> u64 {
    s.bytes()
        .fold(0xCBF2_9CE4_8422_2325, |acc, b| mix(acc ^ b as u64))
}

/// A small sequential generator for the history and background traffic.
#[derive(Clone, Debug)]
pub(crate) struct Rng(u64);

impl Rng {
    pub(crate) fn new(seed: u64) -> Rng {
        Rng(mix(seed))
    }

    /// A generator of its own, seeded from this one's state without advancing it: draws from it
    /// do not shift what this one generates next.
    pub(crate) fn fork(&self, salt: u64) -> Rng {
        Rng::new(self.0 ^ salt)
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        mix(self.0)
    }

    /// In `[0, 1)`.
    pub(crate) fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// In `[lo, hi)`; `lo` when the range is empty.
    pub(crate) fn range(&mut self, lo: i64, hi: i64) -> i64 {
        if hi <= lo {
            return lo;
        }
        lo + (self.next_u64() % (hi - lo) as u64) as i64
    }

    pub(crate) fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    pub(crate) fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.range(0, items.len() as i64) as usize]
    }

    /// An index chosen with the given weights.
    pub(crate) fn weighted(&mut self, weights: &[f64]) -> usize {
        let total: f64 = weights.iter().sum();
        let mut x = self.unit() * total;
        for (i, w) in weights.iter().enumerate() {
            if x < *w {
                return i;
            }
            x -= w;
        }
        weights.len() - 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_numbers() {
        let a: Vec<u64> = (0..5)
            .map({
                let mut r = Rng::new(7);
                move |_| r.next_u64()
            })
            .collect();
        let b: Vec<u64> = (0..5)
            .map({
                let mut r = Rng::new(7);
                move |_| r.next_u64()
            })
            .collect();
        assert_eq!(a, b);
        assert_eq!(unit(7, &[1, 2]), unit(7, &[1, 2]));
        assert_ne!(unit(7, &[1, 2]), unit(8, &[1, 2]));
    }

    #[test]
    fn ranges_and_units_stay_in_bounds() {
        let mut r = Rng::new(1);
        for _ in 0..1000 {
            let u = r.unit();
            assert!((0.0..1.0).contains(&u));
            let x = r.range(-3, 4);
            assert!((-3..4).contains(&x));
        }
    }
}
