"""Moderation: roles, hidden recipes and comments, suspended accounts, users' reports and the audit log."""
