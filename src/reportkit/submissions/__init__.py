"""District submissions: templates out, filled files in, checked, kept in the store."""
