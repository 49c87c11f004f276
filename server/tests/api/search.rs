//! The Task List's search (issue 17): on SQLite, the FTS5 trigram index finds exactly the tasks
//! the `LIKE` scan finds, whichever way the store answers, for Latin, Chinese, digits,
//! punctuation, very short and very long searches; the index follows every write; a search of
//! one or two characters still finds its tasks (by the scan). On PostgreSQL the same suite runs
//! against its one query (`pg_trgm`).

use app::domain::{Audience, MessageKind, Platform, Source, Status};
use pushdeck::store::Store;
use pushdeck::store::tasks::{
    Cursor, ListFilter, Page, SearchBy, SearchPath, StoredTask, TaskMessage, TaskUpsert,
};

use crate::both_stores;
use crate::helpers::{Db, TestDb};

const T0: i64 = 1_795_700_000;
const TASKS: usize = 3_000;

/// Words the seeded texts are made of: English in mixed case, Chinese, digits, and the
/// punctuation of FTS5's query syntax and of `LIKE`'s wildcards.
const WORDS: [&str; 24] = [
    "Sale",
    "flash",
    "DEAL",
    "coupon",
    "shipped",
    "points",
    "促销活动",
    "新品上市",
    "会员积分",
    "限时",
    "优惠券",
    "2026",
    "12.12",
    "50%_off",
    "say \"hi\"",
    "it's",
    r"C:\path",
    "a*b",
    "(x)",
    "NEAR",
    "OR",
    "x-y",
    "🎉",
    "ΟΔΟΣ",
];

struct Seeded {
    push_id: String,
    created_at: i64,
    status: Status,
    /// What `search_text` holds: `push_id title content`, lower-cased.
    text: String,
}

/// A pseudo-random but fixed table: two tasks a second (the cursor's tie-break matters), a few
/// rare codes, a word only finished tasks carry (more tasks than the index is asked for), long
/// contents.
fn seed_tasks() -> (Vec<TaskUpsert>, Vec<Seeded>) {
    let mut rng: u64 = 0x2545_F491_4F6C_DD1D;
    let mut next = move || {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        rng
    };
    let mut upserts = Vec::new();
    let mut seeded = Vec::new();
    for i in 0..TASKS {
        let w = |r: u64| WORDS[(r % WORDS.len() as u64) as usize];
        let status = match i % 4 {
            0 => Status::Pushing,
            _ => Status::Completed,
        };
        let mut title = format!("{} {} {}", w(next()), w(next()), w(next()));
        if i % 500 == 7 {
            title.push_str(&format!(" FlashPromo{}", i % 3));
        }
        if i % 300 == 11 {
            title.push_str(" 双十一红包");
        }
        if i % 450 == 13 {
            title.push_str(" 红包雨");
        }
        let mut content = format!("{} {} {} {}", w(next()), w(next()), w(next()), w(next()));
        // In every finished task, and in a tenth of the older pushing ones only: a search of
        // pushing tasks that the newest lack but thousands of tasks have.
        if status == Status::Completed || (i % 40 == 0 && i < TASKS / 2) {
            content.push_str(" archived");
        }
        if i % 97 == 5 {
            // A long content: the same sentence many times, and a unique tail.
            content.push_str(&" the quick brown fox jumps over the lazy dog".repeat(8));
            content.push_str(&format!(" tail{i}"));
        }
        let push_id = format!("{}", 3_900_000_000u64 + i as u64 * 7);
        let created_at = T0 + (i / 2) as i64;
        seeded.push(Seeded {
            push_id: push_id.clone(),
            created_at,
            status,
            text: format!("{push_id} {title} {content}").to_lowercase(),
        });
        upserts.push(TaskUpsert {
            push_id,
            audience: Audience::All,
            audience_summary: "All devices".into(),
            audience_detail: None,
            platform: Platform::Android,
            message_type: MessageKind::Notify,
            title,
            content,
            created_at,
            send_time: None,
            push_time: created_at,
            expire_secs: Some(259_200),
            status,
            collapse_id: None,
            source: Source::Api,
            message: TaskMessage::default(),
        });
    }
    (upserts, seeded)
}

async fn seeded_store(db: &TestDb) -> (Store, Vec<Seeded>) {
    let store = db.store().await;
    store
        .upsert_app(&pushdeck::store::apps::AppRow {
            app_id: "shop",
            name: "Shop",
            platform: "android",
            access_id: "1500000001",
            access_point: "sandbox",
            auth_scheme: "signature",
            recall_available: true,
        })
        .await
        .unwrap();
    let (upserts, seeded) = seed_tasks();
    for chunk in upserts.chunks(500) {
        store.apply_upstream("shop", chunk, 1, "me").await.unwrap();
    }
    (store, seeded)
}

/// What the search finds by definition: every task whose text contains the trimmed,
/// lower-cased search, newest first (or oldest first), in the order of the list.
fn expected(seeded: &[Seeded], f: &ListFilter) -> Vec<String> {
    let q = f.text.as_deref().unwrap_or("").trim().to_lowercase();
    let mut found: Vec<(i64, usize, &str)> = seeded
        .iter()
        .enumerate()
        .filter(|(_, t)| f.statuses.is_empty() || f.statuses.contains(&t.status))
        .filter(|(_, t)| t.text.contains(&q))
        .map(|(i, t)| (t.created_at, i, t.push_id.as_str()))
        .collect();
    found.sort();
    if !f.oldest_first {
        found.reverse();
    }
    found.into_iter().map(|(_, _, id)| id.to_string()).collect()
}

/// Every page, `per_page` at a time, following the cursors; and how the first page was answered.
async fn all_pages(
    store: &Store,
    f: &ListFilter,
    per_page: i64,
    by: SearchBy,
) -> (Vec<String>, Option<SearchPath>) {
    let mut out = Vec::new();
    let mut page = Page::First;
    let mut first_by = None;
    for n in 0.. {
        let p = store
            .list_tasks_by("shop", f, page, per_page, by)
            .await
            .unwrap();
        if n == 0 {
            first_by = p.searched_by;
        }
        assert!(p.tasks.len() as i64 <= per_page);
        out.extend(p.tasks.iter().map(|t| t.push_id.clone()));
        match (p.has_more_after, p.tasks.last()) {
            (true, Some(last)) => page = Page::After(cursor(last)),
            _ => break,
        }
        assert!(n < TASKS, "the pages end");
    }
    (out, first_by)
}

fn cursor(t: &StoredTask) -> Cursor {
    Cursor {
        created_at: t.created_at,
        task_id: t.task_id,
    }
}

/// Latin, Chinese, digits, punctuation (FTS5's syntax and `LIKE`'s wildcards among it), very
/// short, very long, and searches that match nothing.
fn searches() -> Vec<String> {
    let mut q: Vec<String> = [
        // Latin, any case; a rare code; a word everywhere; across words.
        "sale",
        "SALE",
        "flashpromo",
        "FlashPromo1",
        "archived",
        "deal coupon",
        "ship",
        // Chinese: four characters, three, a rare word, and two and one (no trigram).
        "促销活动",
        "新品上",
        "双十一红包",
        "红包",
        "包",
        "优惠",
        // Digits: a whole push ID, part of one, dates and prices.
        "3900000007",
        "390000",
        "2026",
        "12.12",
        // Punctuation.
        "50%_off",
        "%",
        "_",
        "%_",
        r"c:\path",
        r"\",
        "say \"hi\"",
        "\"",
        "it's",
        "'",
        "a*b",
        "*",
        "(x)",
        "near",
        "or",
        "sale or deal",
        "x-y",
        "-",
        "🎉",
        "οδος",
        // Spaces around are trimmed; inside they count.
        "  sale  ",
        "e d",
        // Very long: a long run of a repeated sentence, a unique tail, and nothing at all.
        &" the quick brown fox jumps over the lazy dog".repeat(6),
        "lazy dog tail5",
        &"x".repeat(200),
        "no such task anywhere",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    // One task's exact long text, past its push ID.
    q.push(
        "the quick brown fox jumps over the lazy dog the quick brown fox jumps over the lazy dog tail"
            .into(),
    );
    q
}

both_stores!(
    the_index_finds_the_same_tasks_as_the_like_scan_for_every_kind_of_search,
    |db: Db| async move {
        let db = TestDb::new(db).await;
        let (store, seeded) = seeded_store(&db).await;
        let mut checked = 0;
        for q in searches() {
            for (statuses, oldest_first) in [
                (vec![], false),
                (vec![Status::Pushing], false),
                (vec![Status::Completed, Status::Pushing], true),
            ] {
                let f = ListFilter {
                    statuses,
                    text: Some(q.clone()),
                    oldest_first,
                    ..Default::default()
                };
                let want = expected(&seeded, &f);
                for by in [SearchBy::Scan, SearchBy::Index, SearchBy::Choice] {
                    // Pages of 20 (two tasks share each second): the cursors, the overflow row
                    // and the tie-break all matter.
                    let (got, _) = all_pages(&store, &f, 20, by).await;
                    assert_eq!(
                        got, want,
                        "{q:?} ({:?}, oldest first {}) by {by:?}",
                        f.statuses, f.oldest_first
                    );
                }
                checked += usize::from(!want.is_empty());
            }
        }
        assert!(checked > 60, "most searches find tasks ({checked})");
    }
);

both_stores!(
    each_search_is_answered_the_way_it_is_cheapest,
    |db: Db| async move {
        let db = TestDb::new(db).await;
        let postgres = db.url.starts_with("postgres");
        let (store, seeded) = seeded_store(&db).await;
        let pushing = vec![Status::Pushing];
        for (q, statuses, sqlite_way) in [
            // Common among the first rows of the filters: the page is full at once.
            ("sale", vec![], SearchPath::FirstRows),
            // Rare: the index's few tasks.
            ("flashpromo", vec![], SearchPath::Index),
            ("双十一红包", vec![], SearchPath::Index),
            ("3900000007", vec![], SearchPath::Index),
            // Short of a trigram: the scan, which still finds them.
            ("红包", vec![], SearchPath::Scan),
            ("包", pushing.clone(), SearchPath::Scan),
            // Absent from the first pushing rows but in more tasks than the index is asked
            // for: the scan.
            ("archived", pushing.clone(), SearchPath::Scan),
        ] {
            let f = ListFilter {
                statuses,
                text: Some(q.into()),
                ..Default::default()
            };
            let p = store.list_tasks("shop", &f, Page::First, 7).await.unwrap();
            let way = if postgres {
                SearchPath::Scan
            } else {
                sqlite_way
            };
            assert_eq!(p.searched_by, Some(way), "{q:?}");
            let want = expected(&seeded, &f);
            let got: Vec<String> = p.tasks.iter().map(|t| t.push_id.clone()).collect();
            assert_eq!(
                got,
                want.iter().take(7).cloned().collect::<Vec<_>>(),
                "{q:?}"
            );
            assert_eq!(p.has_more_after, want.len() > 7, "{q:?}");
        }
        // A two-character Chinese search finds every task that has it (some only as 红包雨).
        let f = ListFilter {
            text: Some("红包".into()),
            ..Default::default()
        };
        let (got, _) = all_pages(&store, &f, 50, SearchBy::Choice).await;
        assert_eq!(got, expected(&seeded, &f));
        assert_eq!(got.len(), 10 + 7, "双十一红包 in 10 tasks, 红包雨 in 7");
        // Without a search the list says nothing of one.
        let p = store
            .list_tasks("shop", &ListFilter::default(), Page::First, 7)
            .await
            .unwrap();
        assert_eq!(p.searched_by, None);
    }
);

both_stores!(
    going_back_a_page_finds_the_same_tasks_every_way,
    |db: Db| async move {
        let db = TestDb::new(db).await;
        let (store, seeded) = seeded_store(&db).await;
        let ids = |p: &pushdeck::store::tasks::ListPage| {
            p.tasks
                .iter()
                .map(|t| t.push_id.clone())
                .collect::<Vec<_>>()
        };
        // A word the first rows hold (FirstRows), a rare one (the index), one the newest
        // pushing tasks lack but thousands of tasks have (the scan after the index), each
        // newest and oldest first: the third page, then back from its first task.
        for (q, statuses) in [
            ("限时", vec![Status::Completed]),
            ("sale", vec![]),
            ("flashpromo", vec![]),
            ("archived", vec![Status::Pushing]),
        ] {
            for oldest_first in [false, true] {
                let f = ListFilter {
                    text: Some(q.into()),
                    statuses: statuses.clone(),
                    oldest_first,
                    ..Default::default()
                };
                let want = expected(&seeded, &f);
                let per: usize = if want.len() >= 15 { 5 } else { 2 };
                for by in [SearchBy::Scan, SearchBy::Index, SearchBy::Choice] {
                    let mut page = Page::First;
                    let mut third = None;
                    for _ in 0..3 {
                        let this = store
                            .list_tasks_by("shop", &f, page, per as i64, by)
                            .await
                            .unwrap();
                        page = Page::After(cursor(this.tasks.last().unwrap()));
                        third = Some(this);
                    }
                    let third = third.unwrap();
                    assert_eq!(
                        ids(&third),
                        want[2 * per..(3 * per).min(want.len())].to_vec(),
                        "{q:?} oldest first {oldest_first} by {by:?}: the third page"
                    );
                    let back = store
                        .list_tasks_by(
                            "shop",
                            &f,
                            Page::Before(cursor(&third.tasks[0])),
                            per as i64,
                            by,
                        )
                        .await
                        .unwrap();
                    assert_eq!(
                        ids(&back),
                        want[per..2 * per].to_vec(),
                        "{q:?} oldest first {oldest_first} by {by:?}: back from it"
                    );
                    assert!(back.has_more_before && back.has_more_after);
                }
            }
        }
    }
);

/// SQLite only: the index is the store's, so every write keeps it in step: a new task, a
/// changed title, a task gone; and tasks stored before the index existed are indexed by the
/// migration that makes it.
#[tokio::test]
async fn the_index_follows_every_write_and_covers_tasks_stored_before_it() {
    let db = TestDb::new(Db::Sqlite).await;
    // The database as it was before the index: every migration up to 0012.
    {
        sqlx::any::install_default_drivers();
        let url = format!("{}?mode=rwc", db.url);
        let pool = sqlx::AnyPool::connect(&url).await.unwrap();
        let mut migrator = sqlx::migrate::Migrator::new(std::path::Path::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/migrations/sqlite"
        )))
        .await
        .unwrap();
        migrator.migrations = migrator
            .migrations
            .iter()
            .filter(|m| m.version <= 12)
            .cloned()
            .collect::<Vec<_>>()
            .into();
        migrator.run(&pool).await.unwrap();
        sqlx::query("insert into apps (app_id, name, platform, access_id, access_point, auth_scheme, recall_available, created_at, updated_at) values ('shop', 'Shop', 'android', '1', 'sandbox', 'signature', 1, 0, 0)")
            .execute(&pool)
            .await
            .unwrap();
        for (i, title) in ["Old news 旧闻速递", "Older still"].iter().enumerate() {
            sqlx::query("insert into tasks (app_id, push_id, audience, platform, message_type, title, created_at, push_time, status, source, search_text, updated_at) values ('shop', $1, 'all', 'android', 'notify', $2, $3, $3, 'PUSH_FINISHED', 'api', $4, 0)")
                .bind(format!("{}", 100 + i))
                .bind(*title)
                .bind(T0 + i as i64)
                .bind(format!("{} {title} ", 100 + i).to_lowercase())
                .execute(&pool)
                .await
                .unwrap();
        }
        pool.close().await;
    }
    let store = db.store().await;
    let find = async |q: &str| {
        let f = ListFilter {
            text: Some(q.into()),
            ..Default::default()
        };
        store
            .list_tasks_by("shop", &f, Page::First, 50, SearchBy::Index)
            .await
            .unwrap()
            .tasks
            .into_iter()
            .map(|t| t.push_id)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        find("old news").await,
        vec!["100"],
        "indexed by the migration"
    );
    assert_eq!(find("旧闻速").await, vec!["100"]);

    // A new task, then its title changed by a later read from TPNS.
    let mut t = TaskUpsert {
        push_id: "200".into(),
        audience: Audience::All,
        audience_summary: String::new(),
        audience_detail: None,
        platform: Platform::Android,
        message_type: MessageKind::Notify,
        title: "Spring sale".into(),
        content: "Twenty percent off".into(),
        created_at: T0 + 10,
        send_time: None,
        push_time: T0 + 10,
        expire_secs: None,
        status: Status::Pushing,
        collapse_id: None,
        source: Source::Api,
        message: TaskMessage::default(),
    };
    store
        .apply_upstream("shop", &[t.clone()], 1, "me")
        .await
        .unwrap();
    assert_eq!(find("spring sale").await, vec!["200"]);
    let pool = store.pool_for_tests();
    // The index itself, not through the list's `LIKE` (which would hide a stale entry).
    let indexed = async |q: &str| -> Vec<i64> {
        sqlx::query_scalar("select rowid from tasks_fts where tasks_fts match $1")
            .bind(q)
            .fetch_all(pool)
            .await
            .unwrap()
    };
    let spring = r#""spr" "rin""#;
    assert_eq!(indexed(spring).await.len(), 1);
    t.title = "Summer sale".into();
    store
        .apply_upstream("shop", &[t.clone()], 2, "me")
        .await
        .unwrap();
    assert_eq!(
        find("spring sale").await,
        Vec::<String>::new(),
        "the old title is gone"
    );
    assert!(indexed(spring).await.is_empty(), "from the index too");
    assert_eq!(find("summer sale").await, vec!["200"]);
    // A status change alone leaves the text, and the index, as they were.
    let index_state = async || -> (i64, i64) {
        sqlx::query_as("select count(*), coalesce(sum(length(block)), 0) from tasks_fts_data")
            .fetch_one(pool)
            .await
            .unwrap()
    };
    let before = index_state().await;
    t.status = Status::Completed;
    store
        .apply_upstream("shop", &[t.clone()], 3, "me")
        .await
        .unwrap();
    assert_eq!(
        store.get_task("shop", "200").await.unwrap().unwrap().status,
        Status::Completed
    );
    assert_eq!(index_state().await, before, "the index was not written");
    assert_eq!(find("summer sale").await, vec!["200"]);

    // FTS5's own check of an external-content index against its table.
    sqlx::query("insert into tasks_fts (tasks_fts, rank) values ('integrity-check', 1)")
        .execute(pool)
        .await
        .expect("the index matches the tasks table");
    let summer = r#""umm" "mme""#;
    assert_eq!(indexed(summer).await.len(), 1);
    sqlx::query("delete from tasks where push_id = '200'")
        .execute(pool)
        .await
        .unwrap();
    assert_eq!(
        find("summer sale").await,
        Vec::<String>::new(),
        "a deleted task is gone"
    );
    assert!(indexed(summer).await.is_empty(), "from the index too");
    sqlx::query("insert into tasks_fts (tasks_fts, rank) values ('integrity-check', 1)")
        .execute(pool)
        .await
        .expect("the index matches the tasks table after a delete");
}
