-- API tokens (`server/docs/api.md`): a user's named keys for `Authorization: Bearer …`. Only a
-- hash of the token is kept; `prefix` is its first characters, so that a list can tell tokens
-- apart. A token acts with its owner's role and at most the actions flagged here.
create table api_tokens (
    token_id bigserial primary key,
    user_id bigint not null references users (user_id),
    name text not null,
    token_hash text not null,
    prefix text not null,
    perm_terminate bigint not null default 0,
    perm_recall bigint not null default 0,
    perm_override bigint not null default 0,
    perm_cancel bigint not null default 0,
    created_at bigint not null,
    expires_at bigint,
    revoked_at bigint,
    last_used_at bigint,
    constraint api_tokens_hash_key unique (token_hash)
);
-- One live token per name and user; a revoked name can be used again.
create unique index api_tokens_name_idx on api_tokens (user_id, name) where revoked_at is null;

-- The token an audited request came with ("lee via token deploy-bot"); NULL for a session.
alter table audit_log add column via_token text;

