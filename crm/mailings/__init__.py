"""Emails to a list of people, sent only to those who consented, with an unsubscribe link."""
