"""Documents attached to records and applications: stored outside the web root,
checked by content."""
