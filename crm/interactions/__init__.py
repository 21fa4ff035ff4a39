"""Interactions: the dated log of what happened with a person, organization or project."""
