"""Queue names: stable strings shared by the task routes, the worker command and compose."""


class Queues:
    """Every queue a Moderato worker must consume."""

    MODERATION = "moderation"  # classify comments: the hot path
    MAINTENANCE = "maintenance"  # the periodic sweep and other housekeeping

    @classmethod
    def all(cls) -> list[str]:
        """All queue names, in the order a worker should list them."""
        return [cls.MODERATION, cls.MAINTENANCE]
