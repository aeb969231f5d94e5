-- Replace an upload's problems and its count of warnings. Parameters: $u upload ID, $m problems
-- (JSON), $w warnings.
UPDATE uploads SET messages = $m, warning_count = $w WHERE upload_id = $u
