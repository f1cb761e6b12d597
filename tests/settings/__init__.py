"""Settings from CHOPCHOP_* variables and the modes they choose (embedded, server)."""
