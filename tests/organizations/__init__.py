"""Views of the organizations domain."""
