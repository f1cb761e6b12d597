"""The database: migrations, the query plans of the hot paths (EXPLAIN), the seed."""
