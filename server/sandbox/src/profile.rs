//! How a sandbox words its answers. The world underneath (apps, devices, tasks, their timelines
//! and the actions' effects) is the same under every profile; what changes is which of the
//! shapes TPNS's documentation allows the answers take (`server/docs/tpns.md` §1.4, §2.5, §3.1,
//! §4, §5.2). A console that reads every profile correctly reads what TPNS may send.

use serde::{Deserialize, Serialize};

/// The answer style of a sandbox (`[sandbox] profile`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Profile {
    /// Every field the documentation lists, in the documented spelling and type: the single-task
    /// record with `pushId` as a number (the §3.1 sample), the list with strings (the table).
    /// What `make run` uses.
    #[default]
    Friendly,
    /// Only what a record must carry (`server/docs/tpns.md` §3.1): `pushId`, `date`, `title`,
    /// `content`, `status`, `pushType`, `messageType`, and `collapseID`, `targetList`, `tagSet`
    /// and `uploadId` where the audience has them; no `createTime` (newer Chinese pages only),
    /// `source`, `expireTime`, `environment`, `multiPkg`, `groupId`, `xgMediaResources`,
    /// `pushConfig` or `loopParam`. Push answers without `environment` and `seq`.
    Sparse,
    /// The variants the documentation leaves open or shows in samples, all at once:
    /// - records: `pushId` a string in the single-task answer and a number in the list (the
    ///   opposite of friendly); `createTime`, `expireTime`, `collapseID` and `uploadId` as
    ///   numeric strings; snake_case keys (`push_id`, `create_time`, `push_type`, …) except
    ///   `collapseID`, whose odd spelling is the documented one;
    /// - envelopes swapped: the push and action endpoints answer `retCode`/`errMsg`, the
    ///   statistics endpoints `ret_code`/`err_msg` (§1.4, §5.2: a client accepts both); the push
    ///   answer's `push_id` is an array (§2.5, the Go SDK's comment);
    /// - statistics: counters as numeric strings, and on Android rows for channels the console
    ///   may not model: 4 % of the TPNS channel's devices under `rog`, 3 % under `newvendor` (a
    ///   code TPNS might add), 10 % of Huawei's under `harmony`. The `all` row adds up the rows
    ///   as TPNS documents (§4): planned, sent and arrived over every row, confirmed arrivals,
    ///   clicks and clears over `xg`, `rog` and `fcm` only (`newvendor` counts as a vendor);
    /// - statuses: a task of the history or of background traffic made in TPNS's console
    ///   (`source: web`) answers `PUSH_AUDITING` while it waits for its send time, a status
    ///   TPNS may add (content review) and the console does not know. Tasks created through the
    ///   push API or the test controls never do.
    Quirky,
}

impl Profile {
    pub const ALL: [Profile; 3] = [Profile::Friendly, Profile::Sparse, Profile::Quirky];

    /// The name in settings and on the command line.
    pub fn slug(&self) -> &'static str {
        match self {
            Profile::Friendly => "friendly",
            Profile::Sparse => "sparse",
            Profile::Quirky => "quirky",
        }
    }

    pub fn from_slug(s: &str) -> Option<Profile> {
        Profile::ALL.into_iter().find(|p| p.slug() == s)
    }
}

impl std::fmt::Display for Profile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.slug())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_profile_round_trips_through_its_slug_and_serde() {
        for p in Profile::ALL {
            assert_eq!(Profile::from_slug(p.slug()), Some(p));
            let json = serde_json::to_value(p).unwrap();
            assert_eq!(json, p.slug());
            assert_eq!(serde_json::from_value::<Profile>(json).unwrap(), p);
        }
        assert_eq!(Profile::default(), Profile::Friendly);
        assert_eq!(Profile::from_slug("strict"), None);
    }
}
