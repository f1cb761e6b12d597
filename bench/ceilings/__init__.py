"""The two ceiling apps the benchmark compares the API with: in-memory payload and raw asyncpg."""
