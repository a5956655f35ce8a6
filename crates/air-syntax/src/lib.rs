//! The AIR language: AST, parser, validator and canonical printer (issue 3).
