//! What the sandbox's own tasks (the history and background traffic) say besides their title and
//! content, as a real app's pushes do (`server/docs/tpns.md` §2.3, §2.4): an Android body with a
//! notification channel, a click action and `custom_content` (JSON in a string), an iOS body
//! with `aps`, and now and then a recurring schedule. The record shows them as `pushConfig` and
//! `loopParam` (§3.1).

use domain::time::format_datetime;
use domain::{Audience, MessageKind, Platform};
use serde_json::{Value, json};

use super::rng::Rng;
use super::task::NewTask;

/// The audiences a recurring push may have (§2.4).
const LOOP_AUDIENCES: [Audience; 3] = [Audience::All, Audience::Tag, Audience::PackageAccount];

/// Gives `req` the platform body an app of that kind would send.
pub(crate) fn dress(req: &mut NewTask, platform: Platform, news: bool, rng: &mut Rng) {
    let site = Site::of(news);
    match platform {
        Platform::Android => req.android = Some(android(req, site, rng)),
        Platform::Ios => req.ios = Some(ios(req.message_type, site, rng)),
    }
}

/// Makes `req` recurring from its push time `start_ms` on (daily or on three weekdays, at the
/// push's time of day, for two to eight weeks), when its audience allows a loop.
pub(crate) fn make_recurring(req: &mut NewTask, start_ms: i64, offset_min: i32, rng: &mut Rng) {
    if !LOOP_AUDIENCES.contains(&req.audience) {
        return;
    }
    let start = format_datetime(start_ms.div_euclid(1000), offset_min);
    let end = format_datetime(
        (start_ms + rng.range(14, 57) * 86_400_000).div_euclid(1000),
        offset_min,
    );
    let weekly = rng.chance(0.4);
    req.loop_param = Some(json!({
        "startDate": &start[..10],
        "endDate": &end[..10],
        "loopType": if weekly { 2 } else { 1 },
        "loopDayIndexs": if weekly { json!([0, 2, 4]) } else { json!([]) },
        "dayTimes": [&start[11..]],
    }));
}

/// Where an app's links lead.
#[derive(Clone, Copy)]
struct Site {
    web: &'static str,
    scheme: &'static str,
    channel: (&'static str, &'static str),
}

impl Site {
    fn of(news: bool) -> Site {
        if news {
            Site {
                web: "https://news.example.com/story",
                scheme: "demonews://com.example.news/story",
                channel: ("headlines", "Headlines"),
            }
        } else {
            Site {
                web: "https://shop.example.com/promo",
                scheme: "demoshop://com.example.shop/detail",
                channel: ("promotions", "Promotions"),
            }
        }
    }
}

/// An Android body: an in-app message carries only its custom content; a notification its
/// channel, the usual switches and a click action (1 open the app, 2 a web page, 3 an intent).
fn android(req: &NewTask, site: Site, rng: &mut Rng) -> Value {
    let id = rng.range(100_000, 999_999);
    let custom = custom_content(req.audience, id);
    if req.message_type == MessageKind::Message {
        return json!({ "custom_content": custom });
    }
    let action = match rng.weighted(&[5.0, 3.0, 2.0]) {
        0 => json!({ "action_type": 1, "activity": "", "aty_attr": { "if": 0, "pf": 0 } }),
        1 => {
            json!({ "action_type": 2, "browser": { "url": format!("{}/{id}", site.web), "confirm": 0 } })
        }
        _ => json!({ "action_type": 3, "intent": format!("{}?id={id}", site.scheme) }),
    };
    json!({
        "n_ch_id": site.channel.0,
        "n_ch_name": site.channel.1,
        "builder_id": 0,
        "badge_type": -1,
        "ring": 1,
        "vibrate": 1,
        "lights": 1,
        "clearable": 1,
        "style_id": 1,
        "action": action,
        "custom_content": custom,
    })
}

/// An iOS body: `aps` with sound and badge for a notification, `content-available` for a silent
/// message (§2.3).
fn ios(kind: MessageKind, site: Site, rng: &mut Rng) -> Value {
    let id = rng.range(100_000, 999_999);
    let aps = match kind {
        MessageKind::Notify => {
            json!({ "badge_type": -1, "sound": "default", "mutable-content": 1 })
        }
        MessageKind::Message => json!({ "content-available": 1 }),
    };
    json!({
        "aps": aps,
        "custom_content": json!({ "url": format!("{}/{id}", site.web) }).to_string(),
    })
}

/// `custom_content`: JSON serialized as a string (§2.3), with what an app's backend adds.
fn custom_content(audience: Audience, id: i64) -> String {
    let kind = match audience {
        Audience::Token | Audience::TokenList | Audience::Account | Audience::AccountList => {
            "transactional"
        }
        _ => "campaign",
    };
    json!({ "kind": kind, "ref": id, "utm_source": "push" }).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_android_notification_gets_a_channel_an_action_and_custom_content_as_a_string() {
        let mut rng = Rng::new(1);
        for _ in 0..20 {
            let mut req = NewTask::new(Audience::All, MessageKind::Notify, "t", "c");
            dress(&mut req, Platform::Android, false, &mut rng);
            let body = req.android.expect("an Android body");
            let action = &body["action"];
            match action["action_type"].as_i64() {
                Some(1) => {}
                Some(2) => assert!(action["browser"]["url"].as_str().is_some()),
                Some(3) => assert!(action["intent"].as_str().is_some()),
                other => panic!("action_type {other:?}"),
            }
            let custom = body["custom_content"].as_str().expect("a string");
            assert!(serde_json::from_str::<Value>(custom).unwrap().is_object());
            assert_eq!(body["n_ch_id"], "promotions");
        }
    }

    #[test]
    fn only_all_tag_and_package_pushes_are_made_recurring() {
        let mut rng = Rng::new(2);
        let mut tokens = NewTask::new(Audience::TokenList, MessageKind::Notify, "t", "c");
        make_recurring(&mut tokens, 0, 480, &mut rng);
        assert!(tokens.loop_param.is_none());
        let mut all = NewTask::new(Audience::All, MessageKind::Notify, "t", "c");
        // 2025-03-10 10:00:00 +08:00.
        make_recurring(&mut all, 1_741_572_000_000, 480, &mut rng);
        let lp = all.loop_param.expect("a schedule");
        assert_eq!(lp["startDate"], "2025-03-10");
        assert_eq!(lp["dayTimes"], json!(["10:00:00"]));
        assert!(lp["endDate"].as_str().unwrap() > "2025-03-23");
    }
}
