//! Lowering of typed Aqua to AIR (filled by issue 5).
