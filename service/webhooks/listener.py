"""The gate's webhook listener: the deliveries a batch of changes owes, written in the
changes' own transaction (the outbox), and sent once it commits.

Which sites have endpoints is a per-process cached set (subscriptions.py), so a batch of sites
without any costs no query. If the message that sends them is lost, the sweep sends them.
"""

from functools import partial

from service.database import after_commit
from service.moderation.changes import Applied
from service.moderation.listeners import Notice
from service.webhooks import dispatch, outbox
from service.webhooks.subscriptions import subscribed_sites


def record_deliveries(notice: Notice) -> None:
    """Write the deliveries the changes owe, and have them sent after the commit. Nothing at
    all for sites without endpoints, nor for a new score alone."""
    subscribed = subscribed_sites().get()
    if not subscribed:
        return
    transitions = [
        transition_of(applied)
        for applied in notice.applied
        if applied.site_id in subscribed and applied.moved
    ]
    if not transitions:
        return
    endpoint_ids = outbox.record(transitions)
    if endpoint_ids:
        after_commit(partial(send_deliveries, endpoint_ids))


def delivers_for(site_id: int) -> bool:
    """Whether a change on the site may owe deliveries (the site has endpoints): the
    listener's `writes_for`."""
    return site_id in subscribed_sites().get()


def transition_of(applied: Applied) -> outbox.Transition:
    """What a webhook tells about an applied change."""
    change = applied.change
    return outbox.Transition(
        comment_id=change.comment_id, site_id=applied.site_id, article_id=applied.article_id,
        from_status=change.from_status, to_status=change.to_status, reason=change.reason,
        actor_kind=change.actor.kind, actor_id=change.actor.id, actor_name=change.actor.name,
        version=applied.version, spam_score=applied.spam_score,
        classifier_version=applied.classifier_version,
    )  # fmt: skip


def send_deliveries(endpoint_ids: list[int]) -> None:
    """Have the committed deliveries sent (a broker failure is logged; the sweep sends them)."""
    dispatch.enqueue_deliveries(endpoint_ids)
