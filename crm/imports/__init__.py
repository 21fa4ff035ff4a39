"""Attendee lists from CSV or Excel files: mapping, matching, preview, background import."""
