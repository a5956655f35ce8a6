//! The Aqua front end.
