"""Shared machinery for the JSON API: filters, pagination, renderers, permissions, errors."""
