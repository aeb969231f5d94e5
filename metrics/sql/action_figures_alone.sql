-- action_figures_alone: action_figures.sql without the dependency figures, for a page that shows
-- none of them: the rows of figures.sql (its parameters), less `progress`, in order. The
-- dependency network is neither worked out nor planned (it costs as much as the rest).
SELECT * EXCLUDE (progress)
FROM ({{metrics:figures}})
ORDER BY department, period, source_row, action_id
