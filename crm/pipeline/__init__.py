"""The support pipeline: ordered stages, transitions between them, the board."""
