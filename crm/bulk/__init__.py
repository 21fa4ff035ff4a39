"""Bulk actions: one action on many projects, people or organizations, checked and recorded
record by record, and undone the same way."""
