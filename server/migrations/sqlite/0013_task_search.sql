-- The Task List's search on SQLite (issue 17, `server/docs/architecture.md` "Search"): an FTS5
-- index of `tasks.search_text` with the trigram tokenizer, so that a search of three characters
-- or more finds its tasks without reading every row (`LIKE '%…%'` cannot use a B-tree index).
--
-- External content: the index keeps the trigrams, not a second copy of the text, which stays in
-- `tasks`; the triggers keep the two in step on every write, whichever code path writes (an
-- `insert or replace` into `tasks` would bypass the delete trigger: none is used). Rows
-- are keyed by `task_id`. `detail = none`: which tasks have a trigram, not where; the store asks
-- for tasks that have all of a search's rarest trigrams and checks each with `LIKE`, so
-- positions are never needed (60 MB instead of 160 MB at a million tasks). PostgreSQL has
-- `pg_trgm` for the same (its migration 0002).
create virtual table tasks_fts using fts5(
    search_text,
    content = 'tasks',
    content_rowid = 'task_id',
    tokenize = 'trigram',
    detail = none
);

-- Every write adds a small segment to the index and every lookup visits every segment; the
-- store's upkeep (`Store::tidy_search_index`, small steps in the background) merges segments of like size
-- two at a time, where FTS5 alone waits for four.
insert into tasks_fts (tasks_fts, rank) values ('usermerge', 2);

-- The tasks already stored.
insert into tasks_fts (tasks_fts) values ('rebuild');

create trigger tasks_fts_insert after insert on tasks begin
    insert into tasks_fts (rowid, search_text) values (new.task_id, new.search_text);
end;

-- Only when the text changes: a status or counter update leaves the index alone.
create trigger tasks_fts_update after update of search_text on tasks
when old.search_text is not new.search_text begin
    insert into tasks_fts (tasks_fts, rowid, search_text) values ('delete', old.task_id, old.search_text);
    insert into tasks_fts (rowid, search_text) values (new.task_id, new.search_text);
end;

create trigger tasks_fts_delete after delete on tasks begin
    insert into tasks_fts (tasks_fts, rowid, search_text) values ('delete', old.task_id, old.search_text);
end;
