//! Chinese Resident Identity Card numbers (GB 11643-1999). Pure: no I/O, no clock, no async.
