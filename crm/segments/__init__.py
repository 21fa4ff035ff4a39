"""Saved segments: a filtered list kept under a name, live (counted again on each visit)."""
