"""Free labels that officers put on people, organizations and projects."""
