"""People: innovators, speakers, participants, experts, funders' representatives."""
