//! Drawing of wizards.
