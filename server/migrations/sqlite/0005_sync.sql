-- The sync worker asks on every tick (about once a second) for the tasks with an action of ours
-- in flight and for scheduled tasks whose send time has just come. Both are a handful of rows
-- among possibly a million; partial indexes keep the lookups from scanning the app's tasks.
create index tasks_in_flight_idx on tasks (app_id) where in_flight is not null;
create index tasks_send_time_idx on tasks (app_id, send_time) where send_time is not null;

-- Pacing gates of the sync worker, shared by every instance: a gate opens at `next_at_ms`, and
-- whoever passes it moves it one interval on, so that calls of a kind are spread evenly over
-- the hour instead of spent in a burst.
create table sync_pacing (
    name text primary key,
    next_at_ms integer not null
);
