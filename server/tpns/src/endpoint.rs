//! The upstream calls by name, for routing, retries and the quota ledger.

/// One TPNS call. The single-task query and the time-range query share a path but are separate
/// APIs, each documented with its own "200 calls/hour" (`server/docs/tpns.md` §3.1, §3.2), so they are
/// separate endpoints here and separate rate-limit buckets in the sandbox (INFERRED: no source
/// says whether TPNS counts them together).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Endpoint {
    /// `/v3/push/app` (§2), including an override push carrying `collapse_id`.
    Push,
    /// `/v3/push/stop_push_msg` (§5).
    Stop,
    /// `/v3/push/revoke_push_msg` (§5).
    Revoke,
    /// `/v3/push/cancel_timing_task` (§5).
    Cancel,
    /// `/v3/statistics/get_push_record` with a `pushId` (§3.1).
    Record,
    /// `/v3/statistics/get_push_record` with a date range (§3.2).
    RecordList,
    /// `/v3/statistics/get_push_task_stat_channel` (§4.1).
    TaskStat,
}

impl Endpoint {
    pub const ALL: [Endpoint; 7] = [
        Endpoint::Push,
        Endpoint::Stop,
        Endpoint::Revoke,
        Endpoint::Cancel,
        Endpoint::Record,
        Endpoint::RecordList,
        Endpoint::TaskStat,
    ];

    /// The path relative to the access point's base URL.
    pub fn path(&self) -> &'static str {
        match self {
            Endpoint::Push => "/v3/push/app",
            Endpoint::Stop => "/v3/push/stop_push_msg",
            Endpoint::Revoke => "/v3/push/revoke_push_msg",
            Endpoint::Cancel => "/v3/push/cancel_timing_task",
            Endpoint::Record | Endpoint::RecordList => "/v3/statistics/get_push_record",
            Endpoint::TaskStat => "/v3/statistics/get_push_task_stat_channel",
        }
    }

    /// A stable snake_case name, stored in the database by the quota ledger.
    pub fn key(&self) -> &'static str {
        match self {
            Endpoint::Push => "push",
            Endpoint::Stop => "stop",
            Endpoint::Revoke => "revoke",
            Endpoint::Cancel => "cancel",
            Endpoint::Record => "record",
            Endpoint::RecordList => "record_list",
            Endpoint::TaskStat => "task_stat",
        }
    }

    pub fn from_key(key: &str) -> Option<Endpoint> {
        Endpoint::ALL.into_iter().find(|e| e.key() == key)
    }

    /// The statistics endpoints answer in camelCase and are limited to 200 calls an hour (§1.4, §8).
    pub fn is_statistics(&self) -> bool {
        matches!(
            self,
            Endpoint::Record | Endpoint::RecordList | Endpoint::TaskStat
        )
    }

    /// Whether repeating the call after a lost answer cannot do harm: queries, and stop, recall
    /// and cancel, whose second call finds the task already stopped, recalled or canceled (a
    /// second recall has nothing left to remove). A push is never repeated blindly: it would
    /// notify millions twice.
    pub fn is_safe_to_repeat(&self) -> bool {
        matches!(
            self,
            Endpoint::Record
                | Endpoint::RecordList
                | Endpoint::TaskStat
                | Endpoint::Stop
                | Endpoint::Revoke
                | Endpoint::Cancel
        )
    }
}

impl std::fmt::Display for Endpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.key())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_endpoint_round_trips_through_its_key() {
        for e in Endpoint::ALL {
            assert_eq!(Endpoint::from_key(e.key()), Some(e));
            assert!(e.path().starts_with("/v3/"));
        }
    }

    #[test]
    fn every_call_but_a_push_is_safe_to_repeat() {
        let safe: Vec<_> = Endpoint::ALL
            .into_iter()
            .filter(Endpoint::is_safe_to_repeat)
            .collect();
        assert_eq!(
            safe,
            [
                Endpoint::Stop,
                Endpoint::Revoke,
                Endpoint::Cancel,
                Endpoint::Record,
                Endpoint::RecordList,
                Endpoint::TaskStat
            ]
        );
    }
}
