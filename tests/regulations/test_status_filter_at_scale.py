"""Status-on-date filtering runs in the database and agrees with the per-document rule.

Thousands of generated documents with random event histories (undated baselines, same-day
ties, 需修改 with deadlines, lapses, replacements before and after the deadline, documents
dated after the query date): for several dates, the set-based filter
(``selectors.documents_in_status``) must return exactly the documents whose
``standing_on`` status is the one asked for. Not a timing test.
"""

from __future__ import annotations

import datetime as dt
import random

import pytest
from django.db import connection
from django.urls import reverse

from apps.regulations import services, views
from apps.regulations.models import DocumentLink, NormativeDocument, Status, StatusEvent
from apps.regulations.selectors import documents_in_status, standing_on, with_history

DOCUMENTS = 3000
DATES = [dt.date(2015, 12, 31), dt.date(2019, 6, 30), dt.date(2020, 7, 1), dt.date(2021, 6, 30),
         dt.date(2021, 7, 1), dt.date(2023, 1, 1)]
DAYS = [dt.date(2016, 1, 1) + dt.timedelta(days=n) for n in range(0, 3000, 45)]


def _generate(rng: random.Random) -> None:
    docs = NormativeDocument.objects.bulk_create([
        NormativeDocument(
            number=f"衢测发〔{year}〕{n}号", number_issuer_code="衢测发", number_year=year,
            number_serial=n, title=f"生成的测试文件{n}",
            date=rng.choice([None, dt.date(year, rng.randint(1, 12), rng.randint(1, 28))]))
        for n in range(1, DOCUMENTS + 1)
        for year in [rng.randint(2010, 2022)]
    ])
    events, links = [], []
    for doc in docs:
        if rng.random() < 0.7:
            events.append(StatusEvent(document=doc, status=Status.IN_FORCE, effective_date=None,
                                      cause=StatusEvent.Cause.BASELINE))
        day = rng.choice(DAYS)
        for _ in range(rng.randint(0, 3)):
            status = rng.choice(Status.values)
            events.append(StatusEvent(
                document=doc, status=status, effective_date=day, cause=StatusEvent.Cause.MANUAL,
                deadline=day + dt.timedelta(days=rng.choice([0, 200, 330]))
                if status == Status.TO_REVISE else None))
            day = rng.choice([day, day + dt.timedelta(days=rng.randint(1, 500))])  # same-day ties
        if rng.random() < 0.15:
            source = rng.choice(docs)
            if source.pk != doc.pk:
                links.append(DocumentLink(
                    source=source, target=doc,
                    kind=rng.choice([DocumentLink.Kind.REPLACES, DocumentLink.Kind.AMENDS,
                                     DocumentLink.Kind.REPEALS]),
                    effective_date=rng.choice([None, rng.choice(DAYS)])))
    StatusEvent.objects.bulk_create(events)
    DocumentLink.objects.bulk_create(links, ignore_conflicts=True)
    services.periods_rebuild()  # bulk writes send no signals: the bulk path rebuilds set-wise
    if connection.vendor == "postgresql":
        # Fresh tables have no statistics, so PostgreSQL plans the per-document subqueries as
        # scans of the whole event table (minutes); ANALYZE (allowed inside the test's
        # transaction) gives it the row counts a real database has.
        with connection.cursor() as cursor:
            for model in (NormativeDocument, StatusEvent, DocumentLink):
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


@pytest.mark.django_db
def test_database_filter_equals_per_document_derivation_on_thousands_of_documents():
    _generate(random.Random(20200701))
    documents = list(with_history(NormativeDocument.objects.all()))
    assert len(documents) == DOCUMENTS
    seen_statuses = set()
    for on in DATES:
        expected: dict[str | None, set[int]] = {}
        for doc in documents:
            expected.setdefault(standing_on(doc, on).status, set()).add(doc.pk)
        for status in [*Status.values, None]:
            found = set(documents_in_status(NormativeDocument.objects.all(), status=status, on=on)
                        .values_list("pk", flat=True))
            assert found == expected.get(status, set()), (on, status)
        seen_statuses |= {s for s, pks in expected.items() if pks}
    # The generated data exercises every branch: each status, lapses and "no record".
    assert seen_statuses == {*Status.values, None}


def test_api_search_page_and_admin_agree_with_the_derivation_on_generated_data(client, make_staff,
                                                                               monkeypatch):
    _generate(random.Random(20200801))
    on = dt.date(2021, 7, 1)
    expected = sorted(doc.number for doc in with_history(NormativeDocument.objects.all())
                      if standing_on(doc, on).status == Status.INVALID)
    assert len(expected) > 500  # more than one API page and one search page
    client.force_login(make_staff("scjg", "市场监管"))
    api = [r for offset in range(0, len(expected), 500) for r in client.get(
        "/api/regulations/documents",
        {"status": "invalid", "as_of": on.isoformat(), "limit": 500, "offset": offset}).json()]
    assert sorted(r["number"] for r in api) == expected
    assert {r["status"] for r in api} == {"invalid"}
    monkeypatch.setattr(views, "PAGE_SIZE", 400)
    response = client.get(reverse("regulations:search"), {"status": "invalid", "as_of": on.isoformat()})
    assert response.context["page"].paginator.count == len(expected)
    assert {s.status for _, s in response.context["rows"]} == {"invalid"}
    admin = client.get(reverse("admin:regulations_normativedocument_changelist"),
                       {"status": "invalid", "as_of": on.isoformat()})
    assert admin.context["cl"].result_count == len(expected)
