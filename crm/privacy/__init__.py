"""Personal-data rights: consent records, the export of what is held, anonymization and
the processing register."""
