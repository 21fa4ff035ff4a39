"""Follow-ups: what an officer owes to a person, organization or project, and reminders."""
