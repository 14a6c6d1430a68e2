//! job (under construction)
