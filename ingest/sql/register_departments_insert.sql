-- Record the departments listed with register version $v: those in the register now (a register
-- without a Departments sheet keeps the last one's).
INSERT INTO register_departments
SELECT $v, department FROM departments WHERE in_register
