"""What the integrations app announces to the apps above it (notifications)."""

from django.dispatch import Signal

connection_failed = Signal()
"""A sync of a connection failed; sent after the run is recorded (and committed).

kwargs: `connection_id`, `sync_run_id`, `error` (plain words), `status` (the connection's
status now: failing or reconnect needed), `first_failure` (True when the run before it did
not fail, so a connection failing every 15 minutes is news once, not each time).
"""

enforcement_refused = Signal()
"""A platform refused a pause or a turn-back-on SocialOps sent; sent after it is recorded.

kwargs: `action_id` (the EnforcementAction, outcome refused, its reason in plain words).
"""
