-- The objectives of the register in force (the highest register_version): code, title, pillar
-- and owner, for the template's Objectives sheet. No parameters.
SELECT o.objective_id, o.objective, o.pillar, o.owner
FROM objectives o
WHERE o.register_version = (SELECT max(register_version) FROM register_versions)
