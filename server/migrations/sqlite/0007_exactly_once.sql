-- What Pushdeck's actions did to a task, for the action rules: a JSON list of
-- {action, by, at, new_push_id, confirmed}, one per action, written in the same transaction
-- that settles the action's intent and its audit entry. A later read from TPNS may show another
-- status; this list still keeps the console from repeating an action (a second override would
-- reach every device twice).
alter table tasks add column done_actions text not null default '[]';
-- When an action's outcome last set the task's status (ms): information TPNS gave before that
-- moment (a list page read while the action was under way) does not undo it.
alter table tasks add column acted_at_ms integer;

-- When the upstream call left (ms): set just before it, and only while the intent is still pending,
-- so a call is never made for an intent the reconciler has settled meanwhile; "it did not happen"
-- is concluded only long enough after this moment.
alter table action_intents add column sent_at_ms integer;
-- Intents left open by the version before this one were sent (it did not note the moment).
update action_intents set sent_at_ms = created_at_ms where state in ('pending', 'unknown');
-- The reconciler's back-off per intent: when it may look again, and how often it has looked.
alter table action_intents add column attempts integer not null default 0;
alter table action_intents add column next_check_at_ms integer not null default 0;
create index action_intents_open_idx on action_intents (state, next_check_at_ms)
    where state in ('pending', 'unknown');

-- One action at a time on a task; and an override whose outcome is unknown blocks another
-- override (it may have reached every device) but no longer a Terminate or Recall, which are
-- harmless to send meanwhile. Replaces 0006's single index.
drop index action_intents_one_open;
create unique index action_intents_one_pending on action_intents (app_id, push_id)
    where state = 'pending';
create unique index action_intents_one_open_override on action_intents (app_id, push_id)
    where action = 'override' and state in ('pending', 'unknown');

-- Server processes and their heartbeats: an intent whose owner has stopped beating is settled
-- by another (or the restarted) instance at once, not minutes later.
create table instances (
    instance_id text primary key,
    started_at_ms integer not null,
    heartbeat_at_ms integer not null
);
