-- The objectives of register version $v: code, title, pillar and owner, for the template's
-- Objectives sheet (the register a month is judged against: ingest.parse.Options.register_for).
SELECT o.objective_id, o.objective, o.pillar, o.owner
FROM objectives o
WHERE o.register_version = $v
