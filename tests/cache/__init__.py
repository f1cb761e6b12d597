"""The response cache (lib/cache.py, lib/stores.py) and conditional requests (lib/conditional.py)."""
