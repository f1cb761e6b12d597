"""The accounts area (domain/accounts): registration, confirmation, login, tokens and passwords, attacks on them."""
