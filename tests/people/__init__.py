"""Views of the people domain."""
