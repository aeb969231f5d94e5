-- Keep a snapshot of the shared store from expiry. Parameters: $s snapshot ID, $r reason.
INSERT INTO kept_snapshots VALUES ($s, $r, now())
