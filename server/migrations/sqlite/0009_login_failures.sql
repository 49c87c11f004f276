-- Failed sign-ins older than a day are pruned on every counted attempt (issue 14): by time, so
-- an index on it keeps the prune cheap however many keys there are.
create index login_failures_at_idx on login_failures (at_ms);
