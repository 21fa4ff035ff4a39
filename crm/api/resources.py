"""Every resource blueprint of the API, in the order the document lists them."""

from crm.api import (
    followups,
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
              interactions.bp, measurements.bp, funding.bp, *readonly.blueprints()]
