-- month_register: the version of the strategy register month $month is judged against
-- (ingest:month_registers); NULL before any register.
WITH months AS (
    SELECT CAST($month AS VARCHAR) AS period
)
SELECT version FROM ({{ingest:month_registers}})
