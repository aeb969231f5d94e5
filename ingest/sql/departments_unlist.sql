-- Mark every department as not in the register (a new register lists its own again).
UPDATE departments SET in_register = FALSE
