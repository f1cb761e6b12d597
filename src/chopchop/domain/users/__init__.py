"""Users: the public directory and public profiles (the private account is under accounts, on /me)."""
