"""Accounts: registration, email confirmation, login, profile and password management."""
