-- Whether any row in force depends on another action.
SELECT EXISTS (SELECT 1 FROM action_status WHERE is_current AND depends_on IS NOT NULL)
