-- Rename department $old to $new throughout the stored history (ingest.renames), one statement
-- a paragraph. Reports of both names, never of the same month, become one history; the derived
-- rows (carried rows, actions, due_date_moves, report_summary) are rebuilt after
-- (ingest.derived.refresh_derived). The audit log keeps the names its entries were written with.
UPDATE uploads SET department = $new WHERE department = $old;

UPDATE action_status SET department = $new WHERE department = $old;

DELETE FROM actions WHERE department = $old;

DELETE FROM due_date_moves WHERE department = $old;

DELETE FROM report_summary WHERE department = $old;

UPDATE mappings SET department = $new WHERE department = $old;

UPDATE notifications SET department = $new WHERE department = $old;

INSERT INTO user_departments
SELECT DISTINCT email, $new FROM user_departments u
WHERE department = $old
  AND NOT EXISTS (SELECT 1 FROM user_departments n WHERE n.email = u.email AND n.department = $new);

DELETE FROM user_departments WHERE department = $old;

INSERT INTO register_departments
SELECT DISTINCT register_version, $new FROM register_departments r
WHERE department = $old
  AND NOT EXISTS (SELECT 1 FROM register_departments n
                  WHERE n.register_version = r.register_version AND n.department = $new);

DELETE FROM register_departments WHERE department = $old;

-- "Depends on" references keep "Department: ACTION-ID" (migration 013)
UPDATE action_status
SET depends_on = array_to_string(list_transform(string_split(depends_on, '; '),
        lambda ref: CASE WHEN starts_with(ref, $old || ': ') THEN $new || ref[length($old) + 1:]
                    ELSE ref END), '; ')
WHERE contains(depends_on, $old || ': ');

UPDATE initiatives SET lead_department = $new WHERE lead_department = $old;

UPDATE objectives SET owner = $new WHERE owner = $old;

UPDATE initiatives
SET member_departments = array_to_string(list_transform(string_split(member_departments, '; '),
        lambda m: CASE WHEN m = $old THEN $new ELSE m END), '; ')
WHERE list_contains(string_split(member_departments, '; '), $old);

-- the department's own row: the new name's, listed by the register being loaded, else renamed
UPDATE departments SET department = $new
WHERE department = $old AND NOT EXISTS (SELECT 1 FROM departments WHERE department = $new);

DELETE FROM departments WHERE department = $old;

-- a report that still writes an earlier name reads as the new one (a renamed department renamed
-- again keeps its first name's way in; one renamed back is its own name again; a name once
-- another's former name, given to a department since, is that department's)
UPDATE department_renames SET department = $new WHERE department = $old;

DELETE FROM department_renames WHERE former = $new OR former = $old;

INSERT INTO department_renames VALUES ($old, $new, $version, now());
