"""Search across people, organizations and projects, in Latin and Arabic script."""
