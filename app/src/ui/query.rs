//! The Task List's filters in the URL, so a filtered list can be bookmarked and shared.

use crate::domain::{Audience, Platform, Status};
use crate::dto::TaskQuery;

/// Reads the Task List's query from URL pairs (`status` may repeat).
pub fn task_query<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> TaskQuery {
    let mut q = TaskQuery::default();
    for (k, v) in pairs {
        let v = v.trim();
        if v.is_empty() {
            continue;
        }
        match k {
            "app" => q.app = Some(v.to_string()),
            "status" => {
                if let Some(s) = Status::from_slug(v)
                    && !q.statuses.contains(&s)
                {
                    q.statuses.push(s);
                }
            }
            "platform" => q.platform = Platform::from_slug(v),
            "audience" => q.audience = Audience::from_upstream(v),
            "from" => q.created_from = Some(v.to_string()),
            "to" => q.created_to = Some(v.to_string()),
            "q" => q.q = Some(v.chars().take(200).collect()),
            "sort" => q.oldest_first = v == "oldest",
            "after" => q.after = Some(v.to_string()),
            "before" => q.before = Some(v.to_string()),
            _ => {}
        }
    }
    q
}

/// `/tasks?…` for a query (without the page cursor unless set).
pub fn task_list_href(q: &TaskQuery) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut add = |k: &str, v: &str| parts.push(format!("{k}={}", encode(v)));
    if let Some(a) = &q.app {
        add("app", a);
    }
    for s in &q.statuses {
        add("status", s.slug());
    }
    if let Some(p) = q.platform {
        add("platform", p.slug());
    }
    if let Some(a) = q.audience {
        add("audience", a.upstream());
    }
    if let Some(v) = &q.created_from {
        add("from", v);
    }
    if let Some(v) = &q.created_to {
        add("to", v);
    }
    if let Some(v) = &q.q {
        add("q", v);
    }
    if q.oldest_first {
        add("sort", "oldest");
    }
    if let Some(v) = &q.after {
        add("after", v);
    }
    if let Some(v) = &q.before {
        add("before", v);
    }
    if parts.is_empty() {
        "/tasks".to_string()
    } else {
        format!("/tasks?{}", parts.join("&"))
    }
}

/// `/tasks/{push_id}?app=…`.
pub fn task_href(app: &str, push_id: &str) -> String {
    format!("/tasks/{}?app={}", encode(push_id), encode(app))
}

/// Percent-encodes a URL query value.
pub fn encode(v: &str) -> String {
    let mut out = String::with_capacity(v.len());
    for b in v.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_query_survives_the_round_trip_through_the_url() {
        let q = task_query([
            ("app", "demo-android"),
            ("status", "pushing"),
            ("status", "scheduled"),
            ("status", "bogus"),
            ("q", "50% off & more"),
            ("sort", "oldest"),
        ]);
        assert_eq!(q.statuses, vec![Status::Pushing, Status::Scheduled]);
        let href = task_list_href(&q);
        assert_eq!(
            href,
            "/tasks?app=demo-android&status=pushing&status=scheduled&q=50%25%20off%20%26%20more&sort=oldest"
        );
    }
}

/// Where to go after signing in: a path of this console, never another site.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        // Browsers drop tabs and newlines from URLs (`/\t/evil` becomes `//evil`) and read `\`
        // as `/`: anything but a plain path of this site falls back to the Task List.
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && !n.contains('\\')
                && !n.chars().any(|c| c.is_control() || c.is_whitespace()) =>
        {
            n.to_string()
        }
        _ => "/tasks".to_string(),
    }
}

#[cfg(test)]
mod next_tests {
    use super::safe_next;

    #[test]
    fn sign_in_only_redirects_within_the_console() {
        assert_eq!(safe_next(Some("/tasks/1?app=a")), "/tasks/1?app=a");
        assert_eq!(safe_next(Some("//evil.example")), "/tasks");
        assert_eq!(safe_next(Some("https://evil.example")), "/tasks");
        assert_eq!(safe_next(Some("/\t/evil.example")), "/tasks");
        assert_eq!(safe_next(Some("/\n/evil.example")), "/tasks");
        assert_eq!(safe_next(Some("/\\evil.example")), "/tasks");
        assert_eq!(safe_next(None), "/tasks");
    }
}
