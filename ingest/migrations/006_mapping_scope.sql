-- 006: whose a saved mapping is. NULL: organisation-wide (admin and the M&E team change it);
-- else the department whose head saved it (that department's heads change it). Mappings saved
-- before this migration had no owner recorded, so they become organisation-wide.
ALTER TABLE mappings ADD COLUMN department VARCHAR;
