//! chip (under construction)
