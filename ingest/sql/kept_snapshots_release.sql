-- Let maintenance expire the snapshots kept for these reasons. Parameter: $g reasons (a list).
DELETE FROM kept_snapshots WHERE list_contains($g, reason)
