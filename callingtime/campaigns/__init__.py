"""Organisations, their staff and roles, and the campaigns they run together."""
