"""Background work: a real queue (RQ on Redis) when REDIS_URL is set, otherwise a thread of
the application process. The state of each job lives in the database, not in the runner."""
