"""Faults of the services under load: PostgreSQL and Redis stopped and killed, Sentinel failover, read replicas."""
