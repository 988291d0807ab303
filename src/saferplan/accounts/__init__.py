"""Partnerships, organisations, users, roles, permissions and the audit trail."""
