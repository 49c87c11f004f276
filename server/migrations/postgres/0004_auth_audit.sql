-- Console users. Passwords are Argon2id hashes; each of the four actions is its own permission.
create table users (
    user_id bigserial primary key,
    username text not null,
    password_hash text not null,
    role text not null check (role in ('viewer', 'operator', 'admin')),
    perm_terminate bigint not null default 0,
    perm_recall bigint not null default 0,
    perm_override bigint not null default 0,
    perm_cancel bigint not null default 0,
    disabled bigint not null default 0,
    created_at bigint not null,
    updated_at bigint not null,
    constraint users_username_key unique (username)
);

-- Server-side sessions, shared by every instance. Only a hash of the cookie's token is kept.
create table sessions (
    session_hash text primary key,
    user_id bigint not null references users (user_id),
    created_at bigint not null,
    last_seen_at bigint not null,
    expires_at bigint not null,
    ip text not null default ''
);
create index sessions_user_idx on sessions (user_id);

-- Failed sign-ins, by username and by address, for throttling.
create table login_failures (
    key text not null,
    at_ms bigint not null
);
create index login_failures_idx on login_failures (key, at_ms);

-- The audit log: append-only. No code path updates or deletes a row, and triggers refuse it.
create table audit_log (
    audit_id bigserial primary key,
    at_ms bigint not null,
    user_id bigint,
    username text not null,
    ip text not null default '',
    kind text not null check (kind in ('action', 'admin', 'auth')),
    action text not null,
    app_id text,
    push_id text,
    request_summary text not null default '',
    upstream_answer text not null default '',
    outcome text not null,
    detail text not null default ''
);
create index audit_log_at_idx on audit_log (at_ms desc, audit_id desc);
create index audit_log_task_idx on audit_log (app_id, push_id, at_ms);

create function audit_log_append_only() returns trigger language plpgsql as $$
begin
    raise exception 'audit_log is append-only';
end;
$$;
create trigger audit_log_no_update_delete before update or delete on audit_log
    for each row execute function audit_log_append_only();
create trigger audit_log_no_truncate before truncate on audit_log
    for each statement execute function audit_log_append_only();
