"""The status periods (``StatusPeriod``, derived from the events by ``periods.derive``, DOMAIN
§3; issue 13 §1) stay right around the two writes the signals handled badly (review finding 9):
a document delete that fails half-way must not leave its “being deleted” marker behind (later
writes of that document would stop rebuilding its periods), and ``loaddata``'s raw saves — no
rebuild in the signals — are followed by one rebuild of every document the fixture touched."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import serializers
from django.core.management import call_command
from django.db import transaction
from django.db.models.signals import pre_delete

from apps.core import authority
from apps.regulations import services
from apps.regulations.models import (
    DocumentLink,
    NormativeDocument,
    Status,
    StatusEvent,
    StatusPeriod,
)
from apps.regulations.periods import OPEN

pytestmark = pytest.mark.django_db


def periods_of(doc_id: int) -> list[tuple]:
    return list(StatusPeriod.objects.filter(document_id=doc_id).order_by("valid_from")
                .values_list("status", "valid_from", "valid_to"))


def test_a_delete_interrupted_by_an_error_leaves_later_writes_rebuilding():
    """Something refuses the delete after the document's own pre_delete ran (here a receiver
    that raises; in life a guard or a database error): the document stays, and a status
    change recorded afterwards still gives it its period (有效 from 2021-01-01)."""
    doc, _, _ = services.document_register(number="衢删测发〔2021〕1号", title="删除中断测试文件",
                                           date=dt.date(2021, 1, 1))

    def refuse(sender, instance, **kwargs):
        raise RuntimeError("删除被中断")

    pre_delete.connect(refuse, sender=NormativeDocument, dispatch_uid="test-refuse-delete")
    try:
        with pytest.raises(RuntimeError), transaction.atomic():
            doc.delete()
        with pytest.raises(RuntimeError), transaction.atomic():
            NormativeDocument.objects.filter(pk=doc.pk).delete()
    finally:
        pre_delete.disconnect(sender=NormativeDocument, dispatch_uid="test-refuse-delete")
    assert NormativeDocument.objects.filter(pk=doc.pk).exists()
    services.event_record(document=doc, status=Status.IN_FORCE, effective_date=dt.date(2021, 1, 1))
    assert periods_of(doc.pk) == [(Status.IN_FORCE, dt.date(2021, 1, 1), OPEN)]


def test_a_whole_delete_still_takes_the_periods_along_and_rebuilds_the_other_end():
    """Deleting an amending text through a queryset (the admin's 删除所选) removes its link,
    and the amended document's 需修改 lapses again after its deadline (衢环发〔2020〕66号's
    rule: only a replacing/amending text in force by the deadline keeps it)."""
    doc, _, _ = services.document_register(number="衢删测发〔2019〕2号", title="被修改测试文件",
                                           date=dt.date(2019, 3, 1))
    amending, _, _ = services.document_register(number="衢删测发〔2020〕3号", title="修改测试文件")
    services.event_record(document=doc, status=Status.TO_REVISE, effective_date=dt.date(2020, 1, 1),
                          deadline=dt.date(2020, 6, 30))
    services.repeal_record(repealer=amending, target=doc, effective=dt.date(2020, 5, 1),
                           kind=DocumentLink.Kind.AMENDS)
    assert periods_of(doc.pk) == [(Status.TO_REVISE, dt.date(2020, 1, 1), OPEN)]
    NormativeDocument.objects.filter(pk=amending.pk).delete()
    assert periods_of(doc.pk) == [(Status.TO_REVISE, dt.date(2020, 1, 1), dt.date(2020, 7, 1)),
                                  (Status.INVALID, dt.date(2020, 7, 1), OPEN)]
    with authority.deriving():  # status events are never deleted by hand (issue 9 §4)
        NormativeDocument.objects.filter(pk=doc.pk).delete()
    assert periods_of(doc.pk) == []


def test_dumpdata_then_loaddata_gives_the_same_periods(tmp_path):
    """A document with its events and an amending link, dumped (without its derived periods)
    and loaded back after both were deleted: the same periods — 需修改 from 2020-01-01 with no
    lapse, as the amendment came into force (2020-05-01) before the deadline (2020-06-30) —
    and a fixture that carries the periods as well (``dumpdata regulations``) adds none twice."""
    doc, _, _ = services.document_register(number="衢载测发〔2019〕4号", title="装载测试文件",
                                           date=dt.date(2019, 3, 1))
    amending, _, _ = services.document_register(number="衢载测发〔2020〕5号", title="装载修改文件")
    services.baseline_record(document=doc, note="测试")
    services.event_record(document=doc, status=Status.TO_REVISE, effective_date=dt.date(2020, 1, 1),
                          deadline=dt.date(2020, 6, 30))
    services.repeal_record(repealer=amending, target=doc, effective=dt.date(2020, 5, 1),
                           kind=DocumentLink.Kind.AMENDS)
    expected = periods_of(doc.pk)
    assert expected == [(Status.IN_FORCE, dt.date(2019, 3, 1), dt.date(2020, 1, 1)),
                        (Status.TO_REVISE, dt.date(2020, 1, 1), OPEN)]
    records = [doc, amending, *DocumentLink.objects.filter(target=doc),
               *StatusEvent.objects.filter(document=doc).order_by("pk")]
    without_periods = tmp_path / "registry.json"
    without_periods.write_text(serializers.serialize("json", records), encoding="utf-8")
    with_periods = tmp_path / "registry-with-periods.json"
    with_periods.write_text(serializers.serialize(
        "json", [*records, *StatusPeriod.objects.filter(document=doc)]), encoding="utf-8")

    for fixture in (without_periods, with_periods):
        with authority.deriving():
            NormativeDocument.objects.filter(pk__in=[doc.pk, amending.pk]).delete()
        assert periods_of(doc.pk) == []
        call_command("loaddata", str(fixture), verbosity=0)
        assert StatusEvent.objects.filter(document_id=doc.pk).count() == 2
        assert periods_of(doc.pk) == expected, fixture.name
