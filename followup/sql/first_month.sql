-- first_month: the first month reminders and overdue notices may chase (YYYY-MM): the earlier of
-- the first month any report was accepted for and the month the strategy register was first
-- loaded (a history loaded later still has its months; a new organisation its first one). NULL
-- with neither: nothing to chase yet. No parameters.
SELECT least((SELECT min(period) FROM uploads WHERE status = 'accepted'),
             (SELECT strftime(min(loaded_at), '%Y-%m') FROM register_versions)) AS first_month
