import pytest

from apps.core.models import Notice
from apps.core.notices import queue_notice, send_queued


class BrokenGateway:
    def send(self, notice):
        raise ConnectionError("短信网关无响应")


class SpyGateway:
    seen: list = []

    def send(self, notice):
        assert Notice.objects.get(pk=notice.pk).status == Notice.Status.SENDING
        SpyGateway.seen.append(notice.pk)


def _queue(source="x:1"):
    return queue_notice(channel=Notice.Channel.SMS, recipient="13800000000", subject="扣分通知",
                        body="…", topic="doctors", source=source)


@pytest.mark.django_db
def test_the_same_notice_is_queued_once():
    assert _queue() == _queue()
    assert Notice.objects.count() == 1


@pytest.mark.django_db
def test_a_notice_is_sent_once_and_marked_sent_only_after_the_gateway_took_it(settings):
    settings.NOTICE_SENDER = "tests.core.test_notices.SpyGateway"
    notice = _queue()
    assert send_queued() == 1 and send_queued() == 0
    notice.refresh_from_db()
    assert notice.status == Notice.Status.SENT and notice.sent_at is not None
    assert SpyGateway.seen == [notice.pk]


@pytest.mark.django_db
def test_a_gateway_failure_is_recorded_not_marked_sent(settings):
    settings.NOTICE_SENDER = "tests.core.test_notices.BrokenGateway"
    notice = _queue()
    assert send_queued() == 0
    notice.refresh_from_db()
    assert notice.status == Notice.Status.FAILED and "无响应" in notice.error and notice.sent_at is None
