"""Background work: SAQ (API, workers, web UI), the embedded job runner, the email outbox."""
