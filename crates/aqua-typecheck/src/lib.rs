//! Type checking of parsed Aqua modules (filled by issue 4).
