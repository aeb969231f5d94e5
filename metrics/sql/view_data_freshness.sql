-- view_data_freshness: how fresh the data is — the latest accepted upload, how many reports are
-- in force, and the register version in force with when it was loaded.
SELECT (SELECT max(uploaded_at) FROM uploads WHERE status = 'accepted') AS last_upload_at,
       (SELECT count(*) FROM uploads WHERE is_current) AS reports_in_force,
       (SELECT max(period) FROM uploads WHERE is_current) AS latest_period,
       (SELECT max(register_version) FROM register_versions) AS register_version,
       (SELECT max(loaded_at) FROM register_versions) AS register_loaded_at
