-- Record a register version. Parameters: $v version, $sha the file's sha256, $f file name, $w who
-- loaded it, $no objectives in it, $nd departments in it.
INSERT INTO register_versions VALUES ($v, $sha, $f, $w, now(), $no, $nd)
