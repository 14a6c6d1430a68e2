//! vcard (under construction)
