"""Every resource blueprint of the API, in the order the document lists them."""

from crm.api import organizations, people, projects, readonly

BLUEPRINTS = [organizations.bp, people.bp, projects.bp, *readonly.blueprints()]
