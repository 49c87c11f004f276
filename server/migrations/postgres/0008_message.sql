-- What TPNS's record says of a task beyond the columns above:
-- - the original message's platform bodies (`pushConfig`: the Android click action, custom
--   content, channel settings; the iOS `aps`), which an override carries into the new push;
-- - the iOS environment (`product` or `dev`), which the override must repeat;
-- - where TPNS says it was created (`api`, or `web` for TPNS's own console; `source` stays
--   `console` for the tasks Pushdeck created);
-- - whether it recurs (`loop_param`).
alter table tasks add column push_config text;
alter table tasks add column environment text;
alter table tasks add column upstream_source text;
alter table tasks add column recurring integer not null default 0;
