-- Every action attempt: the intent is written before the upstream call and resolved after it,
-- so a crash in between is reconciled on restart (product.md, "Nothing lost").
create table action_intents (
    intent_id bigserial primary key,
    app_id text not null,
    push_id text not null,
    action text not null check (action in ('terminate', 'recall', 'override', 'cancel')),
    -- JSON of the action's parameters (the override's title, content and choice).
    params text not null default '{}',
    -- Chosen by the browser per confirmation dialog: a retried or double-submitted request
    -- finds the intent it already made instead of calling upstream again.
    idempotency_key text not null,
    user_id bigint,
    username text not null,
    -- pending → succeeded | failed | unknown (then reconciled to succeeded or failed).
    state text not null check (state in ('pending', 'succeeded', 'failed', 'unknown')),
    owner text not null,
    created_at_ms bigint not null,
    resolved_at_ms bigint,
    upstream_code bigint,
    upstream_message text,
    new_push_id text,
    outcome text,
    constraint action_intents_idempotency_key_key unique (idempotency_key)
);

-- At most one unresolved action per task: the second operator's insert fails on this index and
-- is told who acted first.
create unique index action_intents_one_pending on action_intents (app_id, push_id) where state = 'pending';
create index action_intents_task_idx on action_intents (app_id, push_id, created_at_ms);
