"""The REST API under /api/v1: personal tokens, the JSON resources and their OpenAPI document."""
