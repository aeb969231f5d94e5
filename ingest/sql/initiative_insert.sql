-- Store one initiative of a register version. Parameters: $v version, $id initiative ID, $name,
-- $objective objective ID, $lead lead department, $members member departments, $target target date.
INSERT INTO initiatives VALUES ($v, $id, $name, $objective, $lead, $members, $target)
