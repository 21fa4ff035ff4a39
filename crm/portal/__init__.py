"""The innovators' portal: their profile, organizations, projects and figures."""
