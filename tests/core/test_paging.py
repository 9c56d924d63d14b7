"""Admin counts on large tables (issue 13 §1): PostgreSQL's estimate at or above
ADMIN_EXACT_COUNT_LIMIT, an exact count below it and on SQLite; never a second full count."""

import re

import pytest
from django.contrib import admin
from django.db import connection
from django.test import override_settings
from django.urls import reverse

from apps.core import paging
from apps.core.models import AuditEvent, Region


def test_every_admin_list_pages_with_the_estimating_paginator_and_one_count():
    for model, model_admin in admin.site._registry.items():
        assert issubclass(model_admin.paginator, paging.EstimatedCountPaginator), model
        assert model_admin.show_full_result_count is False, model


@pytest.mark.django_db
def test_small_lists_are_counted_exactly(regions):
    paginator = paging.EstimatedCountPaginator(Region.objects.order_by("pk"), 2)
    assert paginator.count == Region.objects.count()
    assert paginator.estimated is False


@pytest.mark.skipif(connection.vendor != "postgresql", reason="reltuples and EXPLAIN are PostgreSQL's")
@pytest.mark.django_db
def test_postgresql_estimates_above_the_limit_and_counts_exactly_below(regions):
    AuditEvent.objects.bulk_create([AuditEvent(action="security", note=f"n{n}") for n in range(300)])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE core_auditevent")
    rows = AuditEvent.objects.count()
    with override_settings(ADMIN_EXACT_COUNT_LIMIT=100):
        whole = paging.EstimatedCountPaginator(AuditEvent.objects.order_by("-pk"), 100)
        assert whole.count > 0 and whole.estimated is True
        assert abs(whole.count - rows) <= rows * 0.2
        one = paging.EstimatedCountPaginator(AuditEvent.objects.filter(note="n7"), 100)
        assert one.count == 1 and one.estimated is False
        # A filter that can match nothing (an empty IN) compiles to no SQL at all.
        none = paging.EstimatedCountPaginator(AuditEvent.objects.filter(pk__in=[]), 100)
        assert none.count == 0 and none.estimated is False
    with override_settings(ADMIN_EXACT_COUNT_LIMIT=10_000):
        exact = paging.EstimatedCountPaginator(AuditEvent.objects.order_by("-pk"), 100)
        assert exact.count == rows and exact.estimated is False


@pytest.mark.django_db
def test_the_changelist_says_when_its_count_is_an_estimate(client, regions, django_user_model,
                                                           monkeypatch):
    user = django_user_model.objects.create_superuser("pg-admin", "a@example.org",
                                                      "pw-for-tests-only")
    client.force_login(user)
    url = reverse("admin:core_auditevent_changelist")
    AuditEvent.objects.bulk_create([AuditEvent(action="security", note=f"n{n}") for n in range(300)])
    assert "约 " not in client.get(url).content.decode()
    monkeypatch.setattr(paging, "estimated_count", lambda queryset: 123_456)
    page = client.get(url).content.decode()
    assert "约 123456" in page
    # An estimate over a list that the first page shows whole is corrected to the exact count.
    regions_url = reverse("admin:core_region_changelist")
    page = client.get(regions_url).content.decode()
    assert "约 " not in page and f"{Region.objects.count()} " in page


def test_every_admin_list_estimates_its_filter_facets():
    from django.contrib.admin import ModelAdmin

    for model, model_admin in admin.site._registry.items():
        if type(model_admin).get_changelist is not ModelAdmin.get_changelist:
            # An admin's own changelist: the doctors list derives from the estimating one;
            # the other two list a few rows (offices, monthly indexes).
            if model._meta.label in {"personnel.Office", "subsidies.MonthlyIndex"}:
                continue
        assert issubclass(model_admin.get_changelist(None), paging.EstimatedChangeList), model


@pytest.mark.skipif(connection.vendor != "postgresql", reason="reltuples and EXPLAIN are PostgreSQL's")
@pytest.mark.django_db
def test_postgresql_facets_are_estimated_over_the_limit_and_exact_under(client, regions,
                                                                        django_user_model):
    """显示计数 on a large list: one planner estimate per choice ("约N"), no aggregate over
    every row; on a small list (or a small choice) the exact count."""
    AuditEvent.objects.bulk_create([AuditEvent(action="security", note=f"n{n}") for n in range(300)]
                                   + [AuditEvent(action="login", note="x") for _ in range(3)])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE core_auditevent")
    user = django_user_model.objects.create_superuser("pg-facets", "f@example.org",
                                                      "pw-for-tests-only")
    client.force_login(user)
    url = reverse("admin:core_auditevent_changelist") + "?_facets=1"
    with override_settings(ADMIN_EXACT_COUNT_LIMIT=100):
        page = client.get(url).content.decode()
    # The 300 security events: estimated; the few logins (ours, and the test client's own):
    # under the limit, counted exactly.
    assert re.search(r"安全设置\s*\(约\d", page), page
    logins = re.search(r">\s*登录\s*\((\d+)\)", page)
    assert logins and 3 <= int(logins.group(1)) < 100
    with override_settings(ADMIN_EXACT_COUNT_LIMIT=10_000):
        page = client.get(url).content.decode()
    assert "(约" not in page
    assert int(re.search(r"安全设置\s*\((\d+)\)", page).group(1)) >= 300


@pytest.mark.parametrize(("viewname", "pk"), [
    ("admin:subsidies_beneficiary_change", "12"),
    ("admin:core_region_change", "330802"),
    ("regulations:detail", "100097"),
])
def test_a_row_url_from_one_reverse_is_the_rows_own(viewname, pk):
    """``url_around_pk`` (admin lists and the registry staff page build each row's link from one
    ``reverse``): head + pk + tail is exactly what ``reverse`` gives for that row."""
    head, tail = paging.url_around_pk(viewname)
    assert head + pk + tail == reverse(viewname, args=[pk])
    assert "0" not in tail


def test_a_url_without_the_key_as_a_segment_is_refused(monkeypatch):
    """Review finding: a URL such as ``doc-<pk>.html`` has no ``/0/`` to split around; the
    helper says so instead of building a broken link for every row."""
    monkeypatch.setattr(paging, "reverse", lambda viewname, args, current_app=None: "/doc-0.html")
    with pytest.raises(ValueError, match="does not hold the key"):
        paging.url_around_pk("anything")
