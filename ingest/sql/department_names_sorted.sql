-- The name of every department known (in the register or met in a report), sorted.
SELECT department FROM departments ORDER BY 1
