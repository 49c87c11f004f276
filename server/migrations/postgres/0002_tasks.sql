-- Every task of every app, as last read from TPNS (or created by the console), with its
-- aggregate counters for the Task List and what the sync worker needs to schedule refreshes.
create extension if not exists pg_trgm;

create table tasks (
    task_id bigserial primary key,
    app_id text not null references apps (app_id),
    push_id text not null,
    audience text not null,
    audience_summary text not null default '',
    -- JSON of the targets (tag rules, account list, upload id), needed to override the task.
    audience_detail text,
    platform text not null,
    message_type text not null,
    title text not null default '',
    content text not null default '',
    created_at bigint not null,
    send_time bigint,
    push_time bigint not null,
    expire_secs bigint not null default 259200,
    status text not null,
    collapse_id bigint,
    source text not null check (source in ('console', 'api')),
    overrides_push_id text,
    overridden_by_push_id text,
    planned bigint not null default 0,
    sent bigint not null default 0,
    arrived bigint not null default 0,
    clicked bigint not null default 0,
    cleared bigint not null default 0,
    -- The action of ours that is being carried out upstream, if any (`terminate`, …).
    in_flight text,
    last_synced_at bigint,
    stats_synced_at bigint,
    -- Sync lease: which instance is refreshing this task, until when (ms).
    lease_owner text,
    lease_until bigint not null default 0,
    version bigint not null default 1,
    -- lower(push_id || title || content), for the free-text search.
    search_text text not null default '',
    updated_at bigint not null,
    constraint tasks_app_push_id_key unique (app_id, push_id)
);

create index tasks_list_idx on tasks (app_id, created_at desc, task_id desc);
create index tasks_status_list_idx on tasks (app_id, status, created_at desc, task_id desc);
create index tasks_sync_idx on tasks (app_id, last_synced_at);
create index tasks_search_idx on tasks using gin (search_text gin_trgm_ops);

-- Per-task, per-channel counters (`get_push_task_stat_channel`).
create table task_channels (
    app_id text not null,
    push_id text not null,
    channel text not null,
    planned bigint not null default 0,
    sent bigint not null default 0,
    arrived bigint not null default 0,
    clicked bigint not null default 0,
    cleared bigint not null default 0,
    updated_at bigint not null,
    primary key (app_id, push_id, channel)
);

-- Tasks per app and status, kept by triggers so the Task List's status filter shows its counts
-- without counting a million rows on every page.
create table task_status_counts (
    app_id text not null,
    status text not null,
    n bigint not null default 0,
    primary key (app_id, status)
);

create function tasks_count_change() returns trigger language plpgsql as $$
begin
    if tg_op in ('UPDATE', 'DELETE') then
        update task_status_counts set n = n - 1 where app_id = old.app_id and status = old.status;
    end if;
    if tg_op in ('INSERT', 'UPDATE') then
        insert into task_status_counts (app_id, status, n) values (new.app_id, new.status, 1)
        on conflict (app_id, status) do update set n = task_status_counts.n + 1;
    end if;
    return null;
end;
$$;

create trigger tasks_count_insert after insert or delete on tasks
    for each row execute function tasks_count_change();
create trigger tasks_count_update after update of status on tasks
    for each row when (old.status is distinct from new.status) execute function tasks_count_change();

-- The quota ledger: every upstream query call, per app and endpoint, for a sliding one-hour
-- window shared by every instance.
create table quota_calls (
    app_id text not null,
    endpoint text not null,
    called_at_ms bigint not null
);
create index quota_calls_idx on quota_calls (app_id, endpoint, called_at_ms);

-- One row per app and endpoint: serialises reservations (row lock) and holds the back-off after
-- a 1008028.
create table quota_state (
    app_id text not null,
    endpoint text not null,
    backoff_until_ms bigint not null default 0,
    rate_limited_total bigint not null default 0,
    updated_at_ms bigint not null,
    primary key (app_id, endpoint)
);

-- Named leases (one instance sweeps an app's task list at a time) with the sweep's position.
create table leases (
    name text primary key,
    owner text not null,
    until_ms bigint not null,
    cursor bigint not null default 0,
    next_at_ms bigint not null default 0
);

-- Tasks open in a details page somewhere, refreshed first.
create table watches (
    app_id text not null,
    push_id text not null,
    until_ms bigint not null,
    primary key (app_id, push_id)
);
