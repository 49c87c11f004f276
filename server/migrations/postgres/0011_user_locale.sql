-- The language each user reads the console in (`en`, `zh`); NULL until they choose one, when the
-- browser's cookie or Accept-Language decides (`server/docs/i18n.md`).
alter table users add column locale text;
