-- How many of these uploads were recorded as submitted at or after a time. Parameters: $ids upload
-- IDs (a list), $t the time.
SELECT count(*) FROM uploads WHERE list_contains($ids, upload_id) AND submitted_at >= $t
