-- Record when the shared store was last maintained. Parameter: $at the time (Unix seconds).
UPDATE meta SET value = $at WHERE key = 'maintained_at'
