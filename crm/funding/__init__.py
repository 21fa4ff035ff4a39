"""Funders, funding opportunities per project, and crowdfunding campaigns (amounts in MAD)."""
