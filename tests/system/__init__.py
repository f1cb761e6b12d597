"""The system area (domain/system): probes, metrics, request ids and access logs."""
