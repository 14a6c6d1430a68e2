//! emulator (under construction)
