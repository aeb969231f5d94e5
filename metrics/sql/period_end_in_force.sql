-- period_end_in_force: the month end a plan in force's action row is worked out at, for the month
-- asked: its report's own, or for a department whose last report is older, the month asked's, as
-- a row carried over into that month would be (an action not reported done by then is not done).
-- An expression over `s` (action_status) and `f` (with `month`, YYYY-MM).
CASE WHEN s.period < f.month THEN last_day(strptime(f.month || '-01', '%Y-%m-%d'))::DATE
     ELSE s.period_end END
