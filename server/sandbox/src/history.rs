//! A realistic past at start (a mix of outcomes, audiences and message types over the last
//! days, scheduled tasks in the future, tasks in progress, some made in TPNS's console, some
//! recurring, all with a real app's platform bodies) and background traffic "by the app's
//! backend" afterwards. Everything is drawn from the seed.

use std::sync::Arc;
use std::time::Duration;

use domain::{Audience, MessageKind, Platform, Status};
use serde_json::json;

use super::Shared;
use super::bodies::{dress, make_recurring};
use super::corpus::{CORRECTION_PREFIX, IN_APP, NEWS, SHOP_CAMPAIGNS, SHOP_TRANSACTIONAL, TAGS};
use super::rng::Rng;
use super::task::{NewTask, Origin};
use super::world::World;

const MIN: i64 = 60_000;
const HOUR: i64 = 60 * MIN;
const DAY: i64 = 24 * HOUR;
/// Salts of the generators forked for platform bodies and schedules.
const BODY_SALT: u64 = 0xB0D1_E500;
const LOOP_SALT: u64 = 0x100B_0000;

/// How a task of the history ends up.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Fate {
    Completed,
    ShortExpiry,
    Terminated,
    Overridden,
    Recalled,
    Canceled,
    Failed,
    Scheduled,
}

const FATES: [(Fate, f64); 8] = [
    (Fate::Completed, 52.0),
    (Fate::ShortExpiry, 8.0),
    (Fate::Terminated, 9.0),
    (Fate::Overridden, 7.0),
    (Fate::Recalled, 5.0),
    (Fate::Canceled, 6.0),
    (Fate::Failed, 4.0),
    (Fate::Scheduled, 9.0),
];

/// Fills every app with `days` × `per_day` tasks before `now`, plus three scheduled in the future
/// (made in TPNS's console, the second of them recurring) and two starting to send.
pub(crate) fn seed_history(world: &mut World, days: u32, per_day: u32, now: i64) {
    if days == 0 || per_day == 0 {
        return;
    }
    let offset = world.utc_offset_minutes as i64 * MIN;
    let midnight = (now + offset).div_euclid(DAY) * DAY - offset;
    for app in 0..world.apps.len() {
        let mut rng = Rng::new(world.sim.seed ^ (0x4157_0000 + app as u64));
        let mut times: Vec<i64> = (0..days as i64)
            .flat_map(|d| (0..per_day).map(move |_| d))
            .map(|d| midnight - d * DAY + rng.range(7 * HOUR, 23 * HOUR))
            .filter(|t| *t < now - MIN)
            .collect();
        times.sort_unstable();
        for t in times {
            let fate = FATES[rng.weighted(&FATES.map(|(_, w)| w))].0;
            past_task(world, app, &mut rng, t, fate, now);
        }
        for i in 0..3 {
            let audience = *rng.pick(&[Audience::All, Audience::Tag, Audience::PackageAccount]);
            let mut req = random_task(world, app, &mut rng, audience, "web", Origin::History);
            let send_at = now + rng.range(30 * MIN, 3 * DAY);
            req.send_at_ms = Some(send_at);
            if i == 1 {
                let offset = world.utc_offset_minutes;
                make_recurring(&mut req, send_at, offset, &mut rng.fork(LOOP_SALT));
            }
            dress_for(world, app, &mut req, &rng);
            let _ = world.create(app, req, now - rng.range(HOUR, 20 * HOUR));
        }
        for _ in 0..2 {
            // At the slowest push speed an all-devices task is still sending for a while.
            let mut req = random_task(world, app, &mut rng, Audience::All, "api", Origin::History);
            req.message_type = MessageKind::Notify;
            req.push_speed = Some(1_000);
            dress_for(world, app, &mut req, &rng);
            let _ = world.create(app, req, now - rng.range(1_000, 4_000));
        }
    }
}

fn past_task(world: &mut World, app: usize, rng: &mut Rng, t: i64, fate: Fate, now: i64) {
    let android = world.apps[app].app.platform == Platform::Android;
    let recall = world.apps[app].app.recall_available;
    let audience = match fate {
        Fate::Terminated | Fate::Recalled => {
            *rng.pick(&[Audience::All, Audience::Tag, Audience::AccountList])
        }
        Fate::Overridden => *rng.pick(&[
            Audience::All,
            Audience::Tag,
            Audience::PackageAccount,
            Audience::AccountList,
        ]),
        Fate::Canceled | Fate::Scheduled => {
            *rng.pick(&[Audience::All, Audience::Tag, Audience::PackageAccount])
        }
        _ => pick_audience(rng),
    };
    let source = if rng.chance(0.3) { "web" } else { "api" };
    let mut req = random_task(world, app, rng, audience, source, Origin::History);
    if matches!(fate, Fate::Canceled | Fate::Scheduled) {
        req.send_at_ms = Some(t + rng.range(30 * MIN, 30 * HOUR));
    }
    let mut looks = rng.fork(LOOP_SALT);
    if fate == Fate::Completed && looks.chance(0.12) {
        make_recurring(&mut req, t, world.utc_offset_minutes, &mut looks);
    }
    if fate == Fate::ShortExpiry {
        req.expire_secs = *rng.pick(&[0, 3_600, 86_400]);
    }
    if matches!(fate, Fate::Terminated | Fate::Recalled | Fate::Overridden) {
        req.message_type = MessageKind::Notify;
    }
    dress_for(world, app, &mut req, rng);
    let Ok(id) = world.create(app, req, t) else {
        return;
    };
    let raw = id.to_string();
    let at = t + rng.range(5 * MIN, 3 * HOUR);
    // Each action is applied only where the sandbox itself would accept it at that time.
    match fate {
        Fate::Terminated if android && at < now => {
            let _ = world.stop(app, &raw, at);
        }
        Fate::Recalled if recall && at < now => {
            let _ = world.revoke(app, &raw, at);
        }
        Fate::Overridden if at < now => {
            let (collapse_id, original) = {
                let task = world.apps[app].task(id).expect("just created");
                (task.req.collapse_id, task.req.clone())
            };
            let mut fix = NewTask::new(
                original.audience,
                MessageKind::Notify,
                "",
                &original.content,
            );
            fix.title = format!("{CORRECTION_PREFIX}{}", original.title);
            fix.origin = Origin::History;
            fix.source = original.source;
            fix.android = original.android;
            fix.ios = original.ios;
            fix.collapse_id = collapse_id;
            fix.force_collapse = rng.chance(0.5);
            fix.environment = original.environment;
            fix.tag_set = original.tag_set;
            fix.targets = original.targets;
            fix.upload_id = original.upload_id;
            let _ = world.create(app, fix, at);
        }
        Fate::Canceled => {
            let start = world.apps[app].task(id).map_or(t, |task| task.start_ms);
            let cancel_at = t + rng.range(MIN, (start - t).max(MIN + 1));
            if cancel_at < now {
                let _ = world.cancel(app, &raw, cancel_at);
            }
        }
        Fate::Failed => world.mark(app, id, Status::Failed, t),
        _ => {}
    }
}

fn pick_audience(rng: &mut Rng) -> Audience {
    const AUDIENCES: [(Audience, f64); 5] = [
        (Audience::All, 25.0),
        (Audience::Tag, 30.0),
        (Audience::AccountList, 20.0),
        (Audience::TokenList, 15.0),
        (Audience::PackageAccount, 10.0),
    ];
    AUDIENCES[rng.weighted(&AUDIENCES.map(|(_, w)| w))].0
}

/// Gives `req` the platform body the app would send, once its message type is settled. Drawn
/// from a generator of its own, so that the bodies do not shift the rest of the history.
fn dress_for(world: &World, app: usize, req: &mut NewTask, rng: &Rng) {
    let a = &world.apps[app].app;
    dress(
        req,
        a.platform,
        a.name.contains("News"),
        &mut rng.fork(BODY_SALT),
    );
}

/// A task with texts and targets fitting the app and the audience.
fn random_task(
    world: &World,
    app: usize,
    rng: &mut Rng,
    audience: Audience,
    source: &str,
    origin: Origin,
) -> NewTask {
    let a = &world.apps[app].app;
    let news = a.name.contains("News");
    let in_app = rng.chance(0.12);
    let pool = match (in_app, news, audience) {
        (true, _, _) => IN_APP,
        (false, true, _) => NEWS,
        (
            false,
            false,
            Audience::TokenList | Audience::AccountList | Audience::Token | Audience::Account,
        ) => SHOP_TRANSACTIONAL,
        (false, false, _) => SHOP_CAMPAIGNS,
    };
    let (title, content) = rng.pick(pool);
    let n = rng.range(100_000, 999_999).to_string();
    let kind = if in_app {
        MessageKind::Message
    } else {
        MessageKind::Notify
    };
    let mut req = NewTask::new(audience, kind, title, &content.replace("{n}", &n));
    req.source = source.to_string();
    req.origin = origin;
    if a.platform == Platform::Ios {
        req.environment = Some("product".into());
    }
    match audience {
        Audience::Tag => {
            let tag = rng.pick(TAGS);
            req.tag_set = Some(
                json!({"op": "OR", "tagWithType": [{"tagTypeName": "xg_user_define", "tagValue": tag}]}),
            );
        }
        Audience::TokenList | Audience::Token => {
            let k = if audience == Audience::Token {
                1
            } else {
                rng.range(1, 60)
            };
            req.targets = (0..k)
                .map(|_| format!("{:016x}{:020x}", rng.next_u64(), rng.next_u64() as u128))
                .collect();
        }
        Audience::AccountList | Audience::Account => {
            let k = if audience == Audience::Account {
                1
            } else {
                rng.range(1, 300)
            };
            req.targets = (0..k)
                .map(|_| format!("user_{}", rng.range(10_000, 9_999_999)))
                .collect();
        }
        Audience::PackageAccount | Audience::PackageToken => {
            req.upload_id = Some(rng.range(10_000, 99_999))
        }
        Audience::All => {}
    }
    req
}

/// Creates one task per app every `every_secs` of clock time, as an app's backend would. The
/// loop wakes often in real time and catches up with the clock, so it follows a manual clock
/// too. The simulated backend does not spend the console's one-push-a-second budget, so it never
/// causes a 1008028 in the console's traffic.
pub(crate) async fn run_background(shared: Arc<Shared>, every_secs: f64, seed: u64) {
    if every_secs.is_nan() || every_secs <= 0.0 {
        return;
    }
    let every_ms = ((every_secs * 1000.0) as i64).max(1);
    let tick = Duration::from_millis(every_ms.clamp(20, 250) as u64);
    let mut rng = Rng::new(seed ^ 0xBAC6_0000);
    let mut next_due = shared.clock.now_ms() + every_ms;
    let mut shutdown = shared.shutdown.clone();
    loop {
        tokio::select! {
            _ = tokio::time::sleep(tick) => {}
            _ = shutdown.wait_for(|down| *down) => return,
        }
        let now = shared.clock.now_ms();
        let mut world = shared.world();
        let mut rounds = 0;
        while next_due <= now && rounds < 20 {
            for app in 0..world.apps.len() {
                background_task(&mut world, app, &mut rng, next_due);
            }
            next_due += every_ms;
            rounds += 1;
        }
        if next_due <= now {
            next_due = now + every_ms;
        }
    }
}

fn background_task(world: &mut World, app: usize, rng: &mut Rng, now: i64) {
    const AUDIENCES: [(Audience, f64); 6] = [
        (Audience::TokenList, 30.0),
        (Audience::AccountList, 30.0),
        (Audience::Account, 10.0),
        (Audience::Tag, 15.0),
        (Audience::All, 8.0),
        (Audience::PackageAccount, 7.0),
    ];
    let audience = AUDIENCES[rng.weighted(&AUDIENCES.map(|(_, w)| w))].0;
    let mut req = random_task(world, app, rng, audience, "api", Origin::Background);
    if matches!(
        audience,
        Audience::All | Audience::Tag | Audience::PackageAccount
    ) && rng.chance(0.25)
    {
        req.send_at_ms = Some(now + rng.range(10 * MIN, 6 * HOUR));
    }
    dress_for(world, app, &mut req, rng);
    if let Err(e) = world.create(app, req, now) {
        tracing::debug!(code = e.code, "background task refused");
    }
}
