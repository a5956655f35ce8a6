//! The AIR interpreter and the simulated peer network (filled by issues 6 and 7).
