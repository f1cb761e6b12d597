"""The users area (domain/users): the public directory and profiles."""
