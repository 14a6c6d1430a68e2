//! layout (under construction)
