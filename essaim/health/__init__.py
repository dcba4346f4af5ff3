"""Health and metrics: ``/healthz`` (the process answers), ``/readyz`` (its dependencies answer, or what is
down) and ``/metrics`` (Prometheus), for load balancers, orchestrators and monitoring (docs/monitoring.md).

Imported by no other app: it reads the others (the outbox's backlog, the live pages' bus), nobody reads it.
"""
