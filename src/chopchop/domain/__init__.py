"""Business areas, one package each."""
