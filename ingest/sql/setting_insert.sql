-- Save an organisation setting. Parameters: $n its name, $v its value (as text), $w who saved it.
INSERT INTO settings VALUES ($n, $v, $w, now())
