//! TPNS's rate limits per app (`server/docs/tpns.md` §8): 200 calls an hour per statistics endpoint and
//! one all/tag/package push a second, both configurable, in clock time.
//!
//! Windows are fixed and aligned to the clock (the hour, the second): TPNS does not say whether
//! its windows are fixed or sliding (UNCONFIRMED). A caller that keeps within any sliding hour
//! also keeps within every aligned hour, so a console ledger of either kind stays clear of 1008028.

use std::collections::BTreeMap;

use tpns::Endpoint;

/// Calls and refusals of one app, per endpoint.
#[derive(Clone, Debug, Default)]
pub(crate) struct Ledger {
    windows: BTreeMap<Endpoint, (i64, u32)>,
    calls: BTreeMap<Endpoint, u64>,
    refused: BTreeMap<Endpoint, u64>,
}

/// One endpoint's traffic, as the test controls read it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct EndpointTraffic {
    /// Authenticated calls answered (including refusals).
    pub calls: u64,
    /// Calls answered with 1008028.
    pub rate_limited: u64,
}

impl Ledger {
    /// Counts an authenticated call.
    pub(crate) fn record_call(&mut self, ep: Endpoint) {
        *self.calls.entry(ep).or_default() += 1;
    }

    /// Whether one more call fits in the current window of `window_ms`, `limit` calls a window
    /// (0: no limit). A call that does not fit is counted as refused.
    pub(crate) fn admit(&mut self, ep: Endpoint, now_ms: i64, window_ms: i64, limit: u32) -> bool {
        if limit == 0 {
            return true;
        }
        let window = now_ms.div_euclid(window_ms);
        let slot = self.windows.entry(ep).or_insert((window, 0));
        if slot.0 != window {
            *slot = (window, 0);
        }
        if slot.1 >= limit {
            *self.refused.entry(ep).or_default() += 1;
            return false;
        }
        slot.1 += 1;
        true
    }

    pub(crate) fn traffic(&self, ep: Endpoint) -> EndpointTraffic {
        EndpointTraffic {
            calls: self.calls.get(&ep).copied().unwrap_or(0),
            rate_limited: self.refused.get(&ep).copied().unwrap_or(0),
        }
    }

    pub(crate) fn total_refused(&self) -> u64 {
        self.refused.values().sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_limit_applies_per_window_and_endpoint_and_refusals_are_counted() {
        let mut l = Ledger::default();
        let hour = 3_600_000;
        assert!(l.admit(Endpoint::Record, 0, hour, 2));
        assert!(l.admit(Endpoint::Record, 10, hour, 2));
        assert!(!l.admit(Endpoint::Record, 20, hour, 2));
        assert!(l.admit(Endpoint::RecordList, 20, hour, 2));
        assert!(l.admit(Endpoint::Record, hour, hour, 2));
        assert_eq!(l.traffic(Endpoint::Record).rate_limited, 1);
        assert_eq!(l.total_refused(), 1);
        assert!((0..100).all(|_| l.admit(Endpoint::Push, 0, 1000, 0)));
    }
}
