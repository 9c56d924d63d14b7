"""The outbox: queue notices (written / SMS) and send them with a pluggable sender.

``settings.NOTICE_SENDER`` names the sender class; the default records and logs each
notice, which is what the office does until an SMS gateway is contracted.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from .models import Notice

log = logging.getLogger("qzgov.notices")


class LoggingSender:
    """Default sender: logs the notice; it is then marked sent."""

    def send(self, notice: Notice) -> None:
        log.info("notice %s → %s [%s]: %s", notice.pk, notice.recipient, notice.channel,
                 notice.subject)


def queue_notice(*, channel: str, recipient: str, subject: str, body: str, topic: str,
                 source: str = "", recipient_kind: str = "", region=None) -> Notice:
    """Queue one notice; the same (topic, source, recipient, channel) is queued once."""
    notice, _created = queue_notice_once(
        channel=channel, recipient=recipient, subject=subject, body=body, topic=topic,
        source=source, recipient_kind=recipient_kind, region=region)
    return notice


def queue_notice_once(*, channel: str, recipient: str, subject: str, body: str, topic: str,
                      source: str = "", recipient_kind: str = "",
                      region=None) -> tuple[Notice, bool]:
    """Queue one notice and say whether it is new, so nightly jobs count what they created
    (issue 14 §7), not what they looked at."""
    if source:
        existing = Notice.objects.filter(topic=topic, source=source, recipient=recipient,
                                         channel=channel).first()
        if existing:
            return existing, False
    try:
        with transaction.atomic():
            return Notice.objects.create(
                channel=channel, recipient=recipient, subject=subject, body=body, topic=topic,
                source=source, recipient_kind=recipient_kind, region=region,
            ), True
    except IntegrityError:
        return Notice.objects.get(topic=topic, source=source, recipient=recipient,
                                  channel=channel), False


def send_queued(limit: int = 500) -> int:
    """Send queued notices; each is claimed by a conditional update so none goes twice.

    A claimed notice is "sending" until the gateway accepts it; one left "sending" by a
    crashed worker stays visible in the outbox instead of being marked sent unsent.
    """
    sender = import_string(settings.NOTICE_SENDER)()
    sent = 0
    for pk in Notice.objects.filter(status=Notice.Status.QUEUED).values_list("pk", flat=True)[:limit]:
        claimed = Notice.objects.filter(pk=pk, status=Notice.Status.QUEUED).update(
            status=Notice.Status.SENDING)
        if not claimed:
            continue
        notice = Notice.objects.get(pk=pk)
        try:
            sender.send(notice)
        except Exception as exc:  # the gateway's failure is recorded, not raised
            Notice.objects.filter(pk=pk).update(status=Notice.Status.FAILED, error=str(exc)[:500])
            continue
        Notice.objects.filter(pk=pk).update(status=Notice.Status.SENT, sent_at=timezone.now())
        sent += 1
    return sent
