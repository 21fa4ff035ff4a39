"""Impact: narrative notes, the indicator catalog and measurements per period."""
