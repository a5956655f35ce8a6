mod air;
mod smoke {}
