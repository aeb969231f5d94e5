-- Store one objective of a register version. Parameters: $v version, $id objective ID, $title,
-- $pillar, $owner, $period, $priority.
INSERT INTO objectives VALUES ($v, $id, $title, $pillar, $owner, $period, $priority)
