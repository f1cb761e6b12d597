"""Webhooks: users' endpoints, the events recorded for them, and their delivery."""
