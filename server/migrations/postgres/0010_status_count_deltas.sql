-- No deadlock between a sweep page and a read-back (issue 14, server/docs/security.md).
-- The trigger of 0002 updated one counter row per (app, status) in the writer's transaction: a
-- 200-row sweep page and a concurrent read-back or action locked those rows in different orders
-- and could deadlock, and every status write of an app waited behind the sweep's transaction.
-- Now a status change appends a delta row, which locks nothing another writer needs; the Task
-- List reads counter rows plus deltas, and the sync worker folds the deltas into the counter
-- rows in a short transaction of its own, one folder per app at a time, in status order.
create table task_status_deltas (
    app_id text not null,
    status text not null,
    delta bigint not null
);
create index task_status_deltas_app_idx on task_status_deltas (app_id);

create or replace function tasks_count_change() returns trigger language plpgsql as $$
begin
    if tg_op in ('UPDATE', 'DELETE') then
        insert into task_status_deltas (app_id, status, delta) values (old.app_id, old.status, -1);
    end if;
    if tg_op in ('INSERT', 'UPDATE') then
        insert into task_status_deltas (app_id, status, delta) values (new.app_id, new.status, 1);
    end if;
    return null;
end;
$$;
