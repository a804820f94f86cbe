"""Signed webhooks: sites' endpoints, the outbox the gate writes, and its delivery."""
