-- How many uploads are held (accepted, rejected or duplicate).
SELECT count(*) FROM uploads
