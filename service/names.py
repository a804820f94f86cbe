"""Stable names shared by the task definitions, their callers, the routes and the deployment.

Task names outlive refactors: a message already in Redis names its task by this string.
"""


class Queues:
    """Every queue a Moderato worker must consume."""

    MODERATION = "moderation"  # classify comments: the hot path
    MAINTENANCE = "maintenance"  # the periodic sweep, retraining and other housekeeping
    # Webhook deliveries wait on other people's servers: a queue of their own, so production
    # runs them in workers of their own (docker-compose's `webhooks`) and a slow receiver
    # never holds up classification.
    WEBHOOKS = "webhooks"

    @classmethod
    def all(cls) -> list[str]:
        """All queue names, in the order a worker should list them."""
        return [cls.MODERATION, cls.MAINTENANCE, cls.WEBHOOKS]


class TaskNames:
    """Every Celery task, by the name its messages carry."""

    CLASSIFY_COMMENTS = "moderation.classify_comments"
    SWEEP_QUEUED_COMMENTS = "maintenance.sweep_queued_comments"
    PURGE_IDEMPOTENCY_KEYS = "maintenance.purge_idempotency_keys"
    RETRAIN_SITE_CLASSIFIERS = "maintenance.retrain_site_classifiers"
    RETRAIN_SITE_CLASSIFIER = "maintenance.retrain_site_classifier"
    SWEEP_WEBHOOK_DELIVERIES = "maintenance.sweep_webhook_deliveries"
    PURGE_WEBHOOK_DELIVERIES = "maintenance.purge_webhook_deliveries"
    DELIVER_WEBHOOKS = "webhooks.deliver_webhooks"

    @classmethod
    def all(cls) -> list[str]:
        """Every task name."""
        return [value for key, value in vars(cls).items() if key.isupper()]
