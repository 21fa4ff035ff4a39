"""Signed webhooks: endpoints an admin registers, the events the services emit, their
deliveries with retries, and the admin pages that show every attempt."""
