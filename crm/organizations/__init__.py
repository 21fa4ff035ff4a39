"""Organizations of the third sector: associations, cooperatives, mutuals, amicales..."""
