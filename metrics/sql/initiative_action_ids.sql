-- initiative_action_ids: the IDs of the actions of one initiative in the plans in force for the
-- months asked (the rows figures.sql reads: current, carried over included), so that only their
-- figures, and the network upstream of them, are worked out (metrics.dependencies.initiative_actions).
-- Parameters: $months (YYYY-MM list), $initiative.
SELECT DISTINCT action_id
FROM action_status
WHERE is_current AND list_contains($months, period) AND initiative = $initiative
ORDER BY action_id
