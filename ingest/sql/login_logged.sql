-- Whether the login of one identity token is in the audit log already.
-- Parameters: $e email, $o outcome, $t the token's issue time.
SELECT count(*) FROM audit_log
WHERE action = 'login' AND actor = $e AND outcome = $o
  AND json_extract_string(detail, '$.token_issued') = $t
