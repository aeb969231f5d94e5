-- reported_months: which of $months has at least one accepted report (a digest or a pack of a
-- period nobody reported is not sent).
SELECT DISTINCT period FROM uploads
WHERE status = 'accepted' AND list_contains($months, period)
