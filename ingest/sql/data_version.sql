-- The data's stamp (none in a database made before it had one).
SELECT value FROM meta WHERE key = 'data_version'
