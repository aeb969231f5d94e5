-- How many register versions were ever loaded.
SELECT count(*) FROM register_versions
