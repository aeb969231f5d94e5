-- 014: the data version becomes a random stamp (ingest.db.bump_data_version) instead of a count,
-- so that the dashboard's caches, which key on it alone, never take one database's results for
-- another's: each database starts from a stamp of its own.
UPDATE meta SET value = (random() * 9.2e18)::BIGINT WHERE key = 'data_version';
