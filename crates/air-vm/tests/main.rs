//! Integration tests of air-vm, in one test executable: the step function on its own (traces,
//! limits, merge laws, tampered data). Runs over simulated peers live in air-network's tests.

mod instructions;
mod properties;
mod security;
