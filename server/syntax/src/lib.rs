//! Syntax layer.
