-- The name of every department known (in the register or met in a report), in no set order.
SELECT department FROM departments
