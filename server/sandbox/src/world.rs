//! The sandbox's state: apps, their populations and tasks, and the four actions with the use
//! limits of `server/docs/tpns.md` §5.1 and `server/docs/product.md` ("The four actions").

use std::collections::{HashMap, VecDeque};

use domain::time::format_datetime;
use domain::{Audience, Platform, Status};
use serde_json::Value;

use super::apps::SandboxApp;
use super::device::{CLASSES, DeviceClass, population};
use super::limits::Ledger;
use super::model::Sim;
use super::task::{NewTask, Task, plan};
use super::wire::ApiError;

/// TPNS keeps task information for one month (§3.1, §8).
pub(crate) const MONTH_MS: i64 = 31 * 86_400_000;
/// The push bodies kept per app for the test controls: the latest ones, so that a long-running
/// sandbox's memory stays bounded.
pub(crate) const KEPT_PUSHES: usize = 1_000;

const TERMINATE_AUDIENCES: [Audience; 3] = [Audience::All, Audience::AccountList, Audience::Tag];
const CANCEL_AUDIENCES: [Audience; 3] = [Audience::All, Audience::Tag, Audience::PackageAccount];
/// The push API records `collapseID` for all, tag and account-package pushes; the recall page
/// adds account lists (§5.1), and so does the sandbox.
const COLLAPSE_AUDIENCES: [Audience; 4] = [
    Audience::All,
    Audience::Tag,
    Audience::PackageAccount,
    Audience::AccountList,
];

/// One app's share of the sandbox.
pub(crate) struct AppWorld {
    pub app: SandboxApp,
    pub population: [u64; CLASSES],
    pub tasks: Vec<Task>,
    index: HashMap<u64, usize>,
    /// Collapse id → the latest task carrying it.
    collapse: HashMap<i64, u64>,
    pub ledger: Ledger,
    /// The bodies of the latest [`KEPT_PUSHES`] pushes accepted through `/v3/push/app`, oldest
    /// first, each with the push ID it got under `_push_id`.
    pub pushes: VecDeque<Value>,
}

impl AppWorld {
    /// Keeps an accepted push's body (dropping the oldest beyond [`KEPT_PUSHES`]).
    pub(crate) fn keep_push(&mut self, mut body: Value, push_id: u64) {
        if let Value::Object(map) = &mut body {
            map.insert("_push_id".into(), Value::String(push_id.to_string()));
        }
        if self.pushes.len() == KEPT_PUSHES {
            self.pushes.pop_front();
        }
        self.pushes.push_back(body);
    }

    pub(crate) fn task(&self, push_id: u64) -> Option<&Task> {
        self.index.get(&push_id).map(|&i| &self.tasks[i])
    }
    fn task_mut(&mut self, push_id: u64) -> Option<&mut Task> {
        self.index.get(&push_id).map(|&i| &mut self.tasks[i])
    }
}

pub(crate) struct World {
    pub sim: Sim,
    /// TPNS's wall-clock zone, for `send_time` and record dates (minutes east of UTC).
    pub utc_offset_minutes: i32,
    pub apps: Vec<AppWorld>,
    next_push_id: u64,
    next_collapse_id: i64,
}

impl World {
    pub(crate) fn new(apps: Vec<SandboxApp>, sim: Sim, utc_offset_minutes: i32) -> World {
        let apps = apps
            .into_iter()
            .enumerate()
            .map(|(i, app)| AppWorld {
                population: population(
                    app.platform,
                    app.population,
                    app.huawei_legacy_share,
                    sim.seed,
                    i as u64,
                ),
                app,
                tasks: Vec::new(),
                index: HashMap::new(),
                collapse: HashMap::new(),
                ledger: Ledger::default(),
                pushes: VecDeque::new(),
            })
            .collect();
        World {
            sim,
            utc_offset_minutes,
            apps,
            // Ten-digit ids like TPNS's (`"push_id":"3895624686"`), different for each seed.
            next_push_id: 3_900_000_000 + (sim.seed % 1_000) * 100_000,
            next_collapse_id: 1_000 + (sim.seed % 100) as i64 * 10,
        }
    }

    pub(crate) fn app_by_access_id(&self, access_id: &str) -> Option<usize> {
        self.apps.iter().position(|a| a.app.access_id == access_id)
    }

    pub(crate) fn app_by_id(&self, id: &str) -> Option<usize> {
        self.apps.iter().position(|a| a.app.id == id)
    }

    /// The app and task of a push ID, whatever the app.
    pub(crate) fn task(&self, push_id: u64) -> Option<(&AppWorld, &Task)> {
        self.apps
            .iter()
            .find_map(|a| a.task(push_id).map(|t| (a, t)))
    }

    /// A task of `app` by the ID a request carries; 1008015 when unknown to this app or pushed
    /// more than `max_age_ms` ago.
    ///
    /// TPNS says only tasks "from the last month" can be queried (§3.1, §8) without saying from
    /// when. The age is measured from the task's push time (its `send_time`, or its creation
    /// for an immediate push), so a task scheduled up to 90 days ahead (§2.4) stays reachable
    /// from its creation until a month after it went out: measured from creation, a task
    /// scheduled 60 days ahead would become unknown before it was sent and could never be
    /// canceled (INFERRED). The time-range list (§3.2) still selects by creation day.
    pub(crate) fn find(
        &self,
        app: usize,
        raw_id: &str,
        now: i64,
        max_age_ms: i64,
    ) -> Result<&Task, ApiError> {
        let id: u64 = raw_id.trim().parse().map_err(|_| ApiError::not_found())?;
        self.apps[app]
            .task(id)
            .filter(|t| now - t.start_ms <= max_age_ms)
            .ok_or_else(ApiError::not_found)
    }

    fn find_mut(&mut self, app: usize, raw_id: &str, now: i64) -> Result<&mut Task, ApiError> {
        let id = self.find(app, raw_id, now, MONTH_MS)?.push_id;
        Ok(self.apps[app].task_mut(id).expect("found just above"))
    }

    /// Creates a task at clock time `now`. A `collapse_id` makes it an override (§5): the old
    /// task is marked overridden, its deliveries stop, and its notification is replaced on the
    /// classes TPNS names as able to ([`DeviceClass::replaces_in_place`]: its own channel,
    /// Xiaomi, Meizu, Huawei EMUI 10+, APNs). The others (vivo, OPPO, older Huawei, Honor, FCM)
    /// follow `force_collapse`: with it they get the new notification and show both, without
    /// it they get nothing new.
    pub(crate) fn create(
        &mut self,
        app: usize,
        mut req: NewTask,
        now: i64,
    ) -> Result<u64, ApiError> {
        let sim = self.sim;
        let mut overrides = None;
        let mut skip: fn(DeviceClass) -> bool = |_| false;
        if let Some(cid) = req.collapse_id {
            if !COLLAPSE_AUDIENCES.contains(&req.audience) {
                return Err(ApiError::invalid(
                    "collapse_id is only supported for all, tag, package_account_push and account_list pushes",
                ));
            }
            let a = &self.apps[app];
            let old = a
                .collapse
                .get(&cid)
                .and_then(|id| a.task(*id))
                .ok_or_else(|| ApiError::invalid(format!("collapse_id {cid} does not exist")))?;
            let status = old.status(&sim, now);
            if !matches!(
                status,
                Status::Pushing | Status::Completed | Status::Terminated
            ) {
                return Err(ApiError::invalid(format!(
                    "the task of collapse_id {cid} is {} and cannot be overridden",
                    status.upstream()
                )));
            }
            if !req.force_collapse {
                skip = |c| !c.replaces_in_place();
            }
            overrides = Some(old.push_id);
        }
        let push_id = self.next_push_id;
        self.next_push_id += 1;
        if req.collapse_id.is_none() && COLLAPSE_AUDIENCES.contains(&req.audience) {
            req.collapse_id = Some(self.next_collapse_id);
            self.next_collapse_id += 1;
        }
        let a = &mut self.apps[app];
        let planned = plan(&req, &a.population, a.app.platform, sim.seed, push_id, skip);
        let mut task = Task::new(push_id, req, now, planned);
        if let Some(old_id) = overrides {
            let old = a.task_mut(old_id).expect("checked above");
            old.end(
                Status::Overridden,
                now,
                Some(DeviceClass::replaces_in_place),
            );
            old.overridden_by = Some(push_id);
            task.overrides = Some(old_id);
        }
        if let Some(cid) = task.req.collapse_id {
            a.collapse.insert(cid, push_id);
        }
        a.index.insert(push_id, a.tasks.len());
        a.tasks.push(task);
        Ok(push_id)
    }

    /// Sets an outcome that no API call produces (a failed task in the history).
    pub(crate) fn mark(&mut self, app: usize, push_id: u64, status: Status, at: i64) {
        if let Some(task) = self.apps[app].task_mut(push_id) {
            task.outcome = Some((status, at));
        }
    }

    /// `stop_push_msg`: drops the offline messages still queued. Stopping a stopped task
    /// succeeds again, so that a retry after a lost answer is harmless (INFERRED).
    pub(crate) fn stop(&mut self, app: usize, raw_id: &str, now: i64) -> Result<(), ApiError> {
        if self.apps[app].app.platform == Platform::Ios {
            return Err(ApiError::invalid(
                "stop_push_msg is not supported for iOS pushes",
            ));
        }
        let sim = self.sim;
        let task = self.find_mut(app, raw_id, now)?;
        check_audience(task, &TERMINATE_AUDIENCES, "stop_push_msg")?;
        match task.status(&sim, now) {
            Status::Terminated => Ok(()),
            Status::Pushing | Status::Completed
                if task.req.expire_secs > 0 && now < task.offline_until() =>
            {
                task.end(Status::Terminated, now, None);
                Ok(())
            }
            Status::Pushing | Status::Completed => Err(ApiError::invalid(
                "the offline storage period of this task has ended; no offline message is left to stop",
            )),
            other => Err(ApiError::invalid(format!(
                "a task in status {} cannot be stopped",
                other.upstream()
            ))),
        }
    }

    /// `revoke_push_msg`: stops offline delivery and removes shown, unclicked notifications on
    /// the classes that support recall. Where recall is configured unavailable it answers as
    /// TPNS does today, whose pages say the feature is offline; the code TPNS uses for that is
    /// not documented, 1008007 is INFERRED.
    pub(crate) fn revoke(&mut self, app: usize, raw_id: &str, now: i64) -> Result<(), ApiError> {
        if !self.apps[app].app.recall_available {
            return Err(ApiError::invalid(
                "message recall is not available: the feature has been taken offline",
            ));
        }
        let sim = self.sim;
        let task = self.find_mut(app, raw_id, now)?;
        check_audience(task, &TERMINATE_AUDIENCES, "revoke_push_msg")?;
        match task.status(&sim, now) {
            Status::Recalled => Ok(()),
            Status::Pushing | Status::Completed => {
                task.end(Status::Recalled, now, Some(DeviceClass::supports_recall));
                Ok(())
            }
            other => Err(ApiError::invalid(format!(
                "a task in status {} cannot be recalled",
                other.upstream()
            ))),
        }
    }

    /// `cancel_timing_task`: only a scheduled task, and only before its send time.
    pub(crate) fn cancel(&mut self, app: usize, raw_id: &str, now: i64) -> Result<(), ApiError> {
        let (sim, offset) = (self.sim, self.utc_offset_minutes);
        let task = self.find_mut(app, raw_id, now)?;
        check_audience(task, &CANCEL_AUDIENCES, "cancel_timing_task")?;
        match task.status(&sim, now) {
            Status::Canceled => Ok(()),
            Status::Scheduled => {
                task.outcome = Some((Status::Canceled, now));
                Ok(())
            }
            _ if !task.scheduled() => Err(ApiError::invalid("the task is not a scheduled task")),
            _ => Err(ApiError::invalid(format!(
                "the scheduled task was dispatched at {}; it can no longer be canceled",
                format_datetime(task.start_ms.div_euclid(1000), offset)
            ))),
        }
    }
}

fn check_audience(task: &Task, allowed: &[Audience], api: &str) -> Result<(), ApiError> {
    if allowed.contains(&task.req.audience) {
        return Ok(());
    }
    let names: Vec<&str> = allowed.iter().map(|a| a.upstream()).collect();
    Err(ApiError::invalid(format!(
        "{api} only supports push types {}; this task is {}",
        names.join(", "),
        task.req.audience.upstream()
    )))
}
