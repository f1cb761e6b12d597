"""The chopchop command."""
