use super::*;
use crate::domain::rules::{DoneAction, RuleContext, TaskFacts, check};
use crate::domain::{Audience, Platform};

const NOW: i64 = 1_795_780_800; // 2026-11-27 20:00:00 UTC+8

fn placeholders(s: &str) -> Vec<&str> {
    let mut out: Vec<&str> = s
        .split('{')
        .skip(1)
        .filter_map(|p| p.split_once('}').map(|(name, _)| name))
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

#[test]
fn every_key_has_both_translations_with_the_same_placeholders() {
    for k in T::ALL {
        let (en, zh) = (k.text(Locale::En), k.text(Locale::Zh));
        assert!(!en.trim().is_empty() && !zh.trim().is_empty(), "{k:?}");
        assert_eq!(placeholders(en), placeholders(zh), "{k:?}");
    }
}

#[test]
fn the_chinese_words_are_chinese() {
    // Names and codes read the same in both languages; every other text is translated.
    let same = [T::SourceApi, T::CollapseId, T::ListSeparator];
    for k in T::ALL {
        let (en, zh) = (k.text(Locale::En), k.text(Locale::Zh));
        if same.contains(k) {
            continue;
        }
        assert_ne!(en, zh, "{k:?} is not translated");
        assert!(
            zh.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
            "{k:?}: {zh}"
        );
    }
}

#[test]
fn words_travel_as_one_list_and_read_back() {
    let w = Words::new(Locale::Zh);
    let json = serde_json::to_string(&w).unwrap();
    let back: Words = serde_json::from_str(&json).unwrap();
    assert_eq!(back, w);
    assert_eq!(back.t(T::Terminate), "终止");
    assert_eq!(back.locale(), Locale::Zh);
    assert!(json.starts_with("[\"zh\",\""), "{}", &json[..20]);
}

/// The page's words block (`IslandWords`) holds no character that could end its `<script>`
/// element or open a comment, and reads back as the words, in both languages.
#[cfg(feature = "ssr")]
#[test]
fn the_pages_words_block_is_safe_inside_a_script_element_and_reads_back() {
    for l in Locale::ALL {
        let json = words_json(l);
        assert!(!json.contains(['<', '>', '&']), "{l:?}");
        let back: Words = serde_json::from_str(json).unwrap();
        assert_eq!(back, Words::new(l));
    }
    // No sentence of the catalog has one today; a crafted text shows the escaping holds.
    let hostile = serde_json::to_string("</script><!-- a & b >").unwrap();
    let safe = script_safe_json(hostile);
    assert!(!safe.contains(['<', '>', '&']), "{safe}");
    assert_eq!(
        serde_json::from_str::<String>(&safe).unwrap(),
        "</script><!-- a & b >"
    );
}

#[test]
fn fill_puts_values_in_and_keeps_braces_it_does_not_know() {
    assert_eq!(fill("{a} and {b}", &[("a", "1"), ("b", "2")]), "1 and 2");
    assert_eq!(fill("{a} {zz} {", &[("a", "<x>")]), "<x> {zz} {");
    // A value is not read again for placeholders.
    assert_eq!(fill("{a}", &[("a", "{a}")]), "{a}");
    assert_eq!(fill("无占位", &[]), "无占位");
}

fn ctx() -> RuleContext {
    RuleContext {
        now: NOW,
        recall_available: true,
        utc_offset_minutes: 480,
    }
}

fn pushing() -> TaskFacts {
    TaskFacts {
        status: Status::Pushing,
        platform: Platform::Android,
        audience: Audience::All,
        push_time: NOW - 3600,
        scheduled: false,
        expire_secs: 86_400,
        in_flight: None,
        done: vec![],
    }
}

fn say(l: Locale, t: &TaskFacts, a: Action) -> String {
    let r = check(a, t, &ctx()).unwrap_err();
    refusal::refusal(Words::new(l), &r, &ctx())
}

#[test]
fn refusals_read_as_sentences_in_both_languages() {
    let ios = TaskFacts {
        platform: Platform::Ios,
        ..pushing()
    };
    assert_eq!(
        say(Locale::En, &ios, Action::Terminate),
        "Terminate is not supported for iOS tasks: TPNS cannot stop queued iOS deliveries."
    );
    assert_eq!(
        say(Locale::Zh, &ios, Action::Terminate),
        "iOS 任务不支持终止：移动推送无法停止 iOS 排队中的下发。"
    );
    let token = TaskFacts {
        audience: Audience::Token,
        ..pushing()
    };
    assert_eq!(
        say(Locale::En, &token, Action::Terminate),
        "Terminate is only supported for tasks pushed to all devices, an account list or a tag; this task was pushed to a single device."
    );
    assert_eq!(
        say(Locale::Zh, &token, Action::Terminate),
        "终止仅支持推送目标为全部设备、账号列表或标签的任务；此任务的推送目标为单个设备。"
    );
    let scheduled = TaskFacts {
        status: Status::Scheduled,
        push_time: NOW + 7200,
        scheduled: true,
        ..pushing()
    };
    assert_eq!(
        say(Locale::En, &scheduled, Action::Terminate),
        "Terminate is only possible while a task is Pushing or Completed; this task is Scheduled. Use Cancel Push before its send time instead."
    );
    assert_eq!(
        say(Locale::Zh, &scheduled, Action::Terminate),
        "仅当任务为推送中或推送完成时才能终止；此任务当前为待推送。请改为在推送时间之前取消推送。"
    );
    let late = TaskFacts {
        push_time: NOW - 5,
        ..scheduled.clone()
    };
    assert_eq!(
        say(Locale::En, &late, Action::Cancel),
        "Too late: this task started sending at Nov 27, 2026, 19:59 UTC+8. Cancel is only possible before the scheduled send time; you can Terminate it instead."
    );
    assert_eq!(
        say(Locale::Zh, &late, Action::Cancel),
        "为时已晚：此任务已于 2026年11月27日 19:59 UTC+8 开始推送。只能在定时推送时间之前取消；您可以改为终止此任务。"
    );
    let overridden = TaskFacts {
        done: vec![DoneAction {
            action: Action::Override,
            by: "lee".into(),
            at: NOW - 600,
            new_push_id: Some("3900000042".into()),
            confirmed: true,
        }],
        ..pushing()
    };
    assert_eq!(
        say(Locale::En, &overridden, Action::Override),
        "lee already used Override on this task at Nov 27, 2026, 19:50 UTC+8: the corrected message is task 3900000042. To correct it again, override task 3900000042."
    );
    assert_eq!(
        say(Locale::En, &overridden, Action::Terminate),
        "lee already used Override on this task at Nov 27, 2026, 19:50 UTC+8, which also stopped its queued deliveries; nothing is left for Terminate to stop."
    );
    assert_eq!(
        say(Locale::Zh, &overridden, Action::Terminate),
        "lee 已于 2026年11月27日 19:50 UTC+8 对此任务执行覆盖，排队中的下发也已随之停止；已没有可终止的内容。"
    );
}

#[test]
fn impact_sentences_quote_the_tasks_numbers() {
    let en = Words::new(Locale::En);
    assert_eq!(
        refusal::impact(en, Action::Terminate, 412_907, 0),
        "Terminate stops delivery to about 412,907 devices that have not received it yet. This cannot be undone."
    );
    assert!(
        refusal::impact(en, Action::Recall, 10, 2_500)
            .contains("about 2,500 devices where it is shown")
    );
    let zh = Words::new(Locale::Zh);
    assert_eq!(
        refusal::impact(zh, Action::Terminate, 412_907, 0),
        "终止将停止向约 412,907 台尚未收到的设备下发。此操作无法撤销。"
    );
}

#[test]
fn the_domains_fixed_sentences_all_have_keys() {
    for s in crate::domain::user::refusals::ALL {
        assert!(known_sentence(s).is_some(), "{s}");
    }
    for s in [
        crate::domain::click::refusals::URL,
        crate::domain::click::refusals::INTENT,
        crate::domain::click::refusals::KIND,
    ] {
        let k = known_sentence(s).unwrap();
        assert_eq!(k.text(Locale::En), s);
    }
    for s in crate::domain::user::refusals::ALL {
        assert_eq!(known_sentence(s).unwrap().text(Locale::En), s);
    }
}

#[test]
fn stored_audience_summaries_read_in_chinese() {
    let zh = Words::new(Locale::Zh);
    for (stored, a, want) in [
        ("All devices", Audience::All, "全部设备"),
        ("Tag", Audience::Tag, "标签"),
        ("Tag: vip OR beta", Audience::Tag, "标签：vip OR beta"),
        ("1,204 accounts", Audience::AccountList, "1,204 个账号"),
        ("1 device", Audience::Token, "1 台设备"),
        (
            "Account package #36217",
            Audience::PackageAccount,
            "账号包 #36217",
        ),
        ("Device package", Audience::PackageToken, "设备包"),
        ("something new", Audience::Tag, "something new"),
    ] {
        assert_eq!(zh.audience_summary(stored, a), want, "{stored}");
    }
    assert_eq!(
        Words::new(Locale::En).audience_summary("1,204 accounts", Audience::AccountList),
        "1,204 accounts"
    );
}
