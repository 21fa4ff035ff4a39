"""Every resource blueprint of the API, in the order the document lists them."""

from crm.api import (
    campaigns,
    followups,
    forums,
    funding,
    interactions,
    measurements,
    memberships,
    organizations,
    people,
    projects,
    readonly,
)

BLUEPRINTS = [organizations.bp, people.bp, projects.bp, memberships.bp, followups.bp,
              interactions.bp, measurements.bp, funding.bp, forums.bp, forums.participations_bp,
              campaigns.bp, *readonly.blueprints()]
