-- The departments the register in force lists.
SELECT department FROM departments WHERE in_register
