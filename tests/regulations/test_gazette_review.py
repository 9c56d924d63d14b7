"""Review against the gazette text (DOMAIN §3): every listed document's status around each
campaign's effective date, the 需修改 deadline, and the 同时废止 links with their dates."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from apps.regulations import services
from apps.regulations.models import DocumentLink, NormativeDocument, Status, StatusEvent
from apps.regulations.selectors import documents_in_status, standing_on, timeline

from .conftest import ECOLOGY, MARKET


def _counts(campaign: str, on: str) -> Counter:
    docs = NormativeDocument.objects.filter(campaign_items__campaign__number=campaign)
    day = dt.date.fromisoformat(on)
    counts = Counter()
    for status in Status.values:
        counts[status] = documents_in_status(docs, status=status, on=day).count()
    return +counts


@pytest.mark.parametrize(("campaign", "on", "expected"), [
    # 衢市监规〔2020〕1号: 共计25件 = 保留17 + 废止8; 衢市监综〔2020〕9号 is printed twice.
    (MARKET, "2020-06-30", {"in_force": 24}),
    (MARKET, "2020-07-01", {"in_force": 16, "repealed": 8}),
    # 衢环发〔2020〕66号: 17 + 15 + 3 + 22 = 57, effective 2020-08-01, 需修改 until 2021-06-30.
    (ECOLOGY, "2020-07-31", {"in_force": 57}),
    (ECOLOGY, "2020-08-01", {"in_force": 17, "to_revise": 3, "repealed": 15, "invalid": 22}),
    (ECOLOGY, "2021-06-30", {"in_force": 17, "to_revise": 3, "repealed": 15, "invalid": 22}),
    (ECOLOGY, "2021-07-01", {"in_force": 17, "repealed": 15, "invalid": 25}),
])
def test_every_listed_document_before_and_on_each_date(registry, campaign, on, expected):
    assert _counts(campaign, on) == expected


@pytest.mark.parametrize(("repealer", "target", "effective", "signed"), [
    ("衢政办发〔2020〕20号", "衢政发〔2011〕97号", "2020-06-09", "2020-06-08"),
    ("衢政办发〔2020〕22号", "衢政办发〔2008〕101号", "2020-07-20", "2020-06-19"),
    ("衢环发〔2020〕73号", None, "2020-08-15", "2020-07-15"),
])
def test_repeal_links_take_effect_with_the_new_text(registry, repealer, target, effective, signed):
    new = NormativeDocument.objects.get(number=repealer)
    link = new.links_out.get()
    assert (link.kind, link.effective_date) == (DocumentLink.Kind.REPEALS, dt.date.fromisoformat(effective))
    assert link.target.number == target
    assert link.target.links_in.get().source == new  # readable both ways
    day = dt.date.fromisoformat(effective)
    before = day - dt.timedelta(days=1)
    assert standing_on(link.target, before).status == Status.IN_FORCE
    assert standing_on(link.target, day).status == Status.REPEALED
    # The repealing text itself: signed, not yet in force, then in force on the same day.
    assert new.date == dt.date.fromisoformat(signed)
    assert standing_on(new, before).status == Status.NOT_YET_IN_FORCE
    assert standing_on(new, day).status == Status.IN_FORCE


def _replace(old: NormativeDocument, effective: dt.date) -> None:
    new, _, _ = services.document_register(number="衢环发〔2021〕40号", title="重新公布的守法证明规定")
    services.repeal_record(repealer=new, target=old, effective=effective,
                           kind=DocumentLink.Kind.AMENDS)


def test_amended_before_the_deadline_the_to_revise_document_does_not_lapse(registry):
    old = NormativeDocument.objects.get(number="衢环发〔2013〕93号")
    _replace(old, dt.date(2021, 5, 1))
    assert standing_on(old, dt.date(2021, 7, 1)).status == Status.TO_REVISE
    assert documents_in_status(NormativeDocument.objects.filter(pk=old.pk), status=Status.TO_REVISE,
                               on=dt.date(2021, 7, 1)).exists()
    assert services.transitions_apply(today=dt.date(2021, 7, 2))["lapsed"] == 2


def test_a_text_issued_after_the_deadline_does_not_undo_the_lapse(registry):
    """衢环发〔2020〕66号: 需修改 documents are valid until 2021-06-30; a re-issue in 2022 comes
    after they lapsed on 2021-07-01 and must not make them in force in between."""
    old = NormativeDocument.objects.get(number="衢环发〔2013〕93号")
    _replace(old, dt.date(2022, 3, 1))
    lapsed = standing_on(old, dt.date(2021, 7, 1))
    assert (lapsed.status, lapsed.since) == (Status.INVALID, dt.date(2021, 7, 1))
    assert documents_in_status(NormativeDocument.objects.filter(pk=old.pk), status=Status.INVALID,
                               on=dt.date(2021, 7, 1)).exists()
    assert timeline(old, as_of=dt.date(2021, 7, 1))[-1].status == Status.INVALID
    assert services.transitions_apply(today=dt.date(2021, 7, 2))["lapsed"] == 3
    assert StatusEvent.objects.filter(document=old, cause=StatusEvent.Cause.LAPSE,
                                      effective_date=dt.date(2021, 7, 1)).exists()
