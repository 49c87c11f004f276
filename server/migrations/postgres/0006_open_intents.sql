-- An override whose outcome is unknown (an upstream timeout) stays open until the reconciler
-- settles it: a second override sent meanwhile could reach every device twice. Terminate,
-- Recall and Cancel with an unknown outcome do not block a retry (repeating them is harmless).
-- Before this migration an unknown override did not block; should a store hold two unknown
-- overrides of one task, this index fails to build and start-up stops naming it, rather than
-- guessing which of the two happened.
drop index action_intents_one_pending;
create unique index action_intents_one_open on action_intents (app_id, push_id)
    where state = 'pending' or (state = 'unknown' and action = 'override');
