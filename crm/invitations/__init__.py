"""Invitations to the portal: signed, single-use, expiring links sent by email."""
