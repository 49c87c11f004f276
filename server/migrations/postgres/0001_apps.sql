-- The TPNS apps the console serves, mirrored from the configuration. SecretKeys never land here.
create table apps (
    app_id text primary key,
    name text not null,
    platform text not null check (platform in ('android', 'ios')),
    access_id text not null,
    access_point text not null,
    auth_scheme text not null,
    recall_available bigint not null default 0 check (recall_available in (0, 1)),
    created_at bigint not null,
    updated_at bigint not null
);
