//! journal (under construction)
