-- Keep an uploaded file's bytes, once per content. Parameters: $s sha256, $n size in bytes,
-- $c the bytes, $f file name.
INSERT INTO raw_files SELECT $s, $n, $c, $f, now()
WHERE NOT EXISTS (SELECT 1 FROM raw_files WHERE sha256 = $s)
