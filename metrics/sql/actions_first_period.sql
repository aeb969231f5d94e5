-- actions_first_period: the first month reported by any action whose reports span some month
-- between $first and $last (YYYY-MM): where the history of the actions of those months starts.
SELECT min(first_period) AS first_period
FROM actions
WHERE last_period >= $first AND first_period <= $last
