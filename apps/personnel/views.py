"""Personnel staff pages (thin: selectors do the work); the API is ``api.py``."""

from __future__ import annotations

import datetime as dt

from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import permission_required
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone

from apps.awards import selectors as awards
from apps.awards.models import Person
from apps.core import frame, params
from apps.core.api import ApiError

from . import selectors


def _as_of(text: str) -> dt.date:
    if not text:
        return timezone.localdate()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ApiError(f"as_of“{text}”不是日期,应为 YYYY-MM-DD") from None


@staff_member_required
@permission_required("personnel.view_appointmentitem", raise_exception=True)
def roster_page(request):
    """Roster of a unit on a date; with ``post``, every holder of that post (历任)."""
    name = request.GET.get("organisation", "").strip()
    post = request.GET.get("post", "").strip()
    error, rows, organisation, history = "", [], None, []
    try:
        as_of = _as_of(request.GET.get("as_of", "").strip())
    except ApiError as exc:
        error, as_of = exc.message, timezone.localdate()
    if name:
        organisation = selectors.organisation_named(name)
        if organisation is None:
            error = f"未找到单位“{name}”"
        else:
            rows = selectors.roster(organisation=organisation, as_of=as_of)
            if post:
                history = selectors.post_history(organisation=organisation, title=post)
    return frame.render(request, "personnel/roster.html", {
        "title": "在任名册", "name": name, "as_of": as_of, "rows": rows, "error": error,
        "organisation": organisation, "post": post, "history": history})


@staff_member_required
@permission_required("awards.view_person", raise_exception=True)
def person_page(request, pk: int):
    """A person's record: honours and posts (DOMAIN §1, §2)."""
    person = get_object_or_404(Person.objects.prefetch_related("keys__organisation"), pk=pk)
    context = {
        "title": f"人员档案:{person.name}", "person": person,
        "honours": awards.honours_queryset().filter(person=person),
        "posts": selectors.person_posts(person=person),
        "duties": person.duties.select_related("division").prefetch_related("offices__office"),
    }
    return frame.render(request, "personnel/person.html", context,
                        crumbs=[("人员查询", reverse("people:search"))])


@staff_member_required
@permission_required("awards.view_person", raise_exception=True)
def people_page(request):
    """Search people by name."""
    query = params.text(request.GET, "q")
    people = Person.objects.prefetch_related("keys__organisation")
    people = people.filter(name__contains=query)[:200] if query else people.none()
    return frame.render(request, "personnel/people.html", {"title": "人员查询", "query": query,
                                                            "people": people})
