-- Why each snapshot kept for a backup is kept ('backup ' and the manifest's path), sorted.
SELECT reason FROM kept_snapshots WHERE reason LIKE 'backup %' ORDER BY reason
