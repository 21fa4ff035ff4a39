"""Bulk actions: one action on many projects, checked and recorded project by project."""
