"""Paging over an estimated count stays honest (issue 13 §1, review of session 7): "next"
only when a row exists beyond the page, the count exact once the last page is seen, and a
page past the real end answered with the real last page, saying so. The estimate is patched
in (PostgreSQL's planner decides it in production), so these run on every database."""

import pytest
from django.urls import reverse

from apps.core import paging
from apps.core.models import AuditEvent


@pytest.fixture
def events():
    def make(n):
        AuditEvent.objects.bulk_create([AuditEvent(action="security", note=f"honest-{i}")
                                        for i in range(n)])
        return AuditEvent.objects.filter(note__startswith="honest-").order_by("pk")
    return make


def estimate(monkeypatch, value):
    monkeypatch.setattr(paging, "estimated_count", lambda queryset: value)


@pytest.mark.django_db
def test_an_estimate_too_high_ends_at_the_real_last_page(events, monkeypatch):
    rows = events(250)
    estimate(monkeypatch, 10_000)
    first = paging.EstimatedCountPaginator(rows, 100).page(1)
    assert first.paginator.estimated and first.paginator.count == 10_000
    assert first.has_next() and len(first) == 100
    last = paging.EstimatedCountPaginator(rows, 100).page(3)
    # 250 rows: the third page holds 50 and is the last; the count is now exact.
    assert len(last) == 50 and not last.has_next()
    assert last.paginator.count == 250 and last.paginator.estimated is False
    assert last.end_index() == 250 and last.paginator.num_pages == 3
    with pytest.raises(paging.PastEnd) as past:
        paging.EstimatedCountPaginator(rows, 100).page(50)
    assert (past.value.asked, past.value.last) == (50, 3)


@pytest.mark.django_db
def test_a_full_last_page_has_no_next_link(events, monkeypatch):
    rows = events(200)
    estimate(monkeypatch, 10_000)
    second = paging.EstimatedCountPaginator(rows, 100).page(2)
    # Exactly 200 rows: no row beyond the second page, so no "next" and an exact count.
    assert len(second) == 100 and not second.has_next()
    assert second.paginator.count == 200 and not second.paginator.estimated


@pytest.mark.django_db
def test_an_estimate_too_low_does_not_hide_real_pages(events, monkeypatch):
    rows = events(350)
    estimate(monkeypatch, 120)  # two pages by the estimate, four in fact
    second = paging.EstimatedCountPaginator(rows, 100).page(2)
    assert second.has_next() and second.paginator.estimated
    assert second.paginator.count >= 201 and second.paginator.num_pages >= 3
    third = paging.EstimatedCountPaginator(rows, 100).page(3)  # past the estimate's end
    assert third.has_next() and [e.note for e in third] == [f"honest-{i}" for i in range(200, 300)]
    fourth = paging.EstimatedCountPaginator(rows, 100).page(4)
    assert len(fourth) == 50 and not fourth.has_next() and fourth.paginator.count == 350


@pytest.mark.django_db
def test_get_page_past_the_end_answers_the_last_page_and_records_the_page_asked(events,
                                                                                monkeypatch):
    rows = events(250)
    estimate(monkeypatch, 10_000)
    paginator = paging.EstimatedCountPaginator(rows, 100)
    page = paginator.get_page(7)
    assert page.number == 3 and len(page) == 50 and paginator.past_end == 7
    assert paginator.count == 250 and not paginator.estimated
    # The page's rows are a queryset already evaluated (a list-editable formset takes it).
    assert page.object_list.ordered and page.object_list._result_cache is not None


@pytest.mark.django_db
def test_the_admin_list_pages_honestly_over_an_estimate(client, events, monkeypatch,
                                                        django_user_model):
    events(250)
    client.force_login(django_user_model.objects.create_superuser(
        "paging-admin", "h@example.org", "pw-for-tests-only"))
    estimate(monkeypatch, 10_000)
    monkeypatch.setattr("apps.core.admin.AuditEventAdmin.list_per_page", 100, raising=False)
    url = reverse("admin:core_auditevent_changelist")
    first = client.get(url, {"q": "honest-"})
    assert first.status_code == 200
    assert "约 10000" in first.content.decode()
    # Our 250 events: the third page of 100 is the last, with 50 rows.
    past = client.get(url, {"q": "honest-", "p": 40})
    html = past.content.decode()
    assert past.status_code == 200, past
    cl = past.context["cl"]
    assert cl.past_end == 40 and cl.page_num == 3 == cl.paginator.num_pages
    assert cl.result_count == 250 and not cl.paginator.estimated
    assert len(cl.result_list) == 50
    assert "第 40 页超出实际结果,显示最后一页(第 3 页)" in html
    assert "约 " not in html and "250 " in html


@pytest.mark.django_db
def test_a_rows_change_url_is_djangos_reverse(client, django_user_model):
    """The change URL reversed once per page and completed per row equals Django's ``reverse``
    for any primary key, quoted as the admin quotes it."""
    from django.contrib.admin.utils import quote

    client.force_login(django_user_model.objects.create_superuser(
        "url-admin", "u@example.org", "pw-for-tests-only"))
    cl = client.get(reverse("admin:auth_user_changelist")).context["cl"]
    assert isinstance(cl, paging.EstimatedChangeList)
    for pk in (1, 987654, "a b/c_d", "中文:x@y", "x%y", "a~b!c"):
        row = type("Row", (), {"id": pk, "pk": pk})()
        assert cl.url_for_result(row) == reverse("admin:auth_user_change", args=(quote(pk),))
