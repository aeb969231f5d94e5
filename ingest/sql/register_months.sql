-- The register version each month with an accepted report is judged against
-- (ingest:month_registers), oldest month first: a month without one takes the version of the
-- next month that has one, or the latest (ingest.parse.Options.register_for).
WITH months AS (
    SELECT DISTINCT period FROM uploads
    WHERE status = 'accepted' AND period IS NOT NULL AND register_version IS NOT NULL
)
SELECT period, version FROM ({{ingest:month_registers}}) ORDER BY period
