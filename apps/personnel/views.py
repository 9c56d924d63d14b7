"""Personnel staff pages (thin: selectors do the work); the API is ``api.py``."""

from __future__ import annotations

import datetime as dt

from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import permission_required
from django.utils import timezone

from apps.core import frame
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
