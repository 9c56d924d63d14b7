"""今日待办: what waits for each staff user, on the admin index and at ``GET /api/worklist``
(issue 12 §2).

A registry of small items. Each app contributes its items in its own ``worklist.py``
(found by ``autodiscover`` on first use); core adds the holiday-schedule item below. An item
is a rule on one model: ``rows(user, today)`` returns the records the user must act on,
already limited to the user's scope (a county user counts only their county's records),
and the line is one aggregate query over it — count, nearest deadline, how many are past it —
never a query per row. An item is shown only to users holding its permission (the one its
action needs), and items of city-wide records only to city-level users (issue 9 §1).

The line's link opens the item's admin changelist with ``?todo=<key>``: ``WorklistFilter``
filters it by the same ``rows``, so the list shows exactly the records counted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib import admin
from django.db.models import Case, Count, Min, Model, Q, QuerySet, When
from django.urls import reverse
from django.utils import timezone

from . import authority, workdays

CALENDAR = "calendar"   # days left counted in calendar days (天)
WORKING = "working"     # days left counted in working days (工作日, apps.core.workdays)
UNIT_LABELS = {CALENDAR: "天", WORKING: "个工作日"}


def today() -> dt.date:
    """Today in Asia/Shanghai (a function so tests can set the day)."""
    return timezone.localdate()


@dataclass
class Line:
    """One line of the work list, as the index shows it and the API returns it."""

    key: str
    app: str
    label: str
    count: int
    url: str
    deadline: dt.date | None = None
    provisional: bool = False
    days_left: int | None = None
    unit: str = CALENDAR
    overdue: int = 0
    note: str = ""

    @property
    def days_text(self) -> str:
        """“还剩3个工作日”, “今日到期”, “已超期2天” (the 暂定 mark is on ``deadline_text``)."""
        if self.days_left is None:
            return ""
        unit = UNIT_LABELS[self.unit]
        if self.days_left > 0:
            return f"还剩{self.days_left}{unit}"
        if self.days_left == 0:
            return "今日到期"
        return f"已超期{-self.days_left}{unit}"

    @property
    def deadline_text(self) -> str:
        return workdays.label(self.deadline, self.provisional) if self.deadline else ""

    def as_json(self) -> dict:
        return {
            "key": self.key, "app": self.app, "label": self.label, "count": self.count,
            "url": self.url, "deadline": self.deadline.isoformat() if self.deadline else None,
            "deadline_provisional": self.provisional, "days_left": self.days_left,
            "days_unit": self.unit, "days_text": self.days_text, "overdue": self.overdue,
            "note": self.note,
        }


@dataclass(frozen=True)
class Item:
    """A work-list rule.

    ``rows(user, today)``: the records waiting, in the user's scope. ``nearest``: the field
    whose smallest value gives the nearest deadline through ``due`` (identity by default);
    ``provisional``: the boolean field marking that deadline 暂定; ``unit``: how days left are
    counted; ``late(today)``: the condition of the records already past their deadline. ``line`` replaces the query for an item that is not a list of records."""

    key: str
    label: str
    permission: str
    model: type[Model] | None = None
    rows: Callable[..., QuerySet] | None = None
    nearest: str | None = None
    due: Callable[[dt.date], dt.date] | None = None
    provisional: str | None = None
    unit: str = CALENDAR
    late: Callable[[dt.date], Q] | None = None
    city_level: bool = False
    order: int = 100
    line: Callable[..., Line | None] | None = field(default=None, compare=False)

    @property
    def app(self) -> str:
        return self.key.split(".")[0]

    def applies_to(self, user) -> bool:
        """The user holds the permission the item's action needs (and is city-level when the
        records are city-wide)."""
        if user is None or not user.is_authenticated or not user.is_staff:
            return False
        if self.city_level and not authority.is_city_level(user):
            return False
        return user.has_perm(self.permission)

    def url(self) -> str:
        meta = self.model._meta
        return reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist") + f"?todo={self.key}"

    def compute(self, user, on: dt.date) -> Line:
        if self.line is not None:
            return self.line(self, user, on)
        qs = self.rows(user, on)
        aggregates = {"count": Count("pk")}
        if self.nearest:
            aggregates["nearest"] = Min(self.nearest)
            if self.provisional:
                aggregates["nearest_provisional"] = Min(Case(
                    When(**{self.provisional: True}, then=self.nearest)))
        if self.late is not None:
            aggregates["overdue"] = Count("pk", filter=self.late(on))
        values = qs.aggregate(**aggregates)
        line = Line(key=self.key, app=self.app, label=self.label, count=values["count"],
                    url=self.url(), unit=self.unit, overdue=values.get("overdue") or 0)
        if values.get("nearest") is not None:
            deadline = (self.due or (lambda value: value))(values["nearest"])
            line.deadline = deadline
            line.provisional = bool(values.get("nearest_provisional") is not None
                                    and values["nearest_provisional"] == values["nearest"])
            line.days_left = days_left(on, deadline, self.unit)
        return line


def days_left(on: dt.date, deadline: dt.date, unit: str = CALENDAR) -> int:
    """Days from ``on`` to ``deadline`` (0 on the day itself, negative once past it); in
    working days the count follows ``workdays`` (the start day not counted)."""
    if unit == WORKING:
        if deadline >= on:
            return workdays.working_days_between(on, deadline)
        return -workdays.working_days_between(deadline, on)
    return (deadline - on).days


_registry: dict[str, Item] = {}
_discovered: list[bool] = []


def register(item: Item) -> Item:
    """Add ``item`` (apps call this from their ``worklist.py``)."""
    _registry[item.key] = item
    return item


def autodiscover() -> None:
    if not _discovered:
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("worklist")
        _discovered.append(True)


def registry() -> dict[str, Item]:
    autodiscover()
    return dict(sorted(_registry.items(), key=lambda kv: (kv[1].order, kv[0])))


def items_for(user, apps: list[str] | None = None) -> list[Item]:
    """The items that apply to ``user`` (within ``apps`` when given, e.g. a token's scope)."""
    return [item for item in registry().values() if item.applies_to(user)
            and (apps is None or item.app == "core" or item.app in apps)]


def lines(user, *, on: dt.date | None = None, apps: list[str] | None = None) -> list[Line]:
    """Every applicable line for ``user`` (counts may be 0), one query per item."""
    on = on or today()
    return [item.compute(user, on) for item in items_for(user, apps)]


class WorklistFilter(admin.SimpleListFilter):
    """“今日待办” filter of a changelist: ``?todo=<key>`` shows exactly the records the work
    list counts for that item (same ``rows``, same user, same day)."""

    title = "今日待办"
    parameter_name = "todo"

    def lookups(self, request, model_admin):
        return [(item.key, item.label) for item in items_for(request.user)
                if item.model is model_admin.model and item.rows is not None]

    def queryset(self, request, queryset):
        item = registry().get(self.value() or "")
        if item is None or item.rows is None or item.model is not queryset.model:
            return queryset
        if not item.applies_to(request.user):
            return queryset.none()
        return queryset.filter(pk__in=item.rows(request.user, today()).values("pk"))


# --- core: the holiday schedule -----------------------------------------------------------

# From 1 November of year Y (``services.CALENDAR_WARN_FROM``, the day the nightly reminder
# starts) year Y+1's missing schedule is listed; a current year without one always is (its
# deadlines are 暂定).


def _schedule_line(item: Item, user, on: dt.date) -> Line:
    """Years whose working days are still provisional (workdays: neither entered nor in the
    packaged calendar): this year always, next year from 1 November (as ``calendar_check``)."""
    from .services import CALENDAR_WARN_FROM

    asked = (on.month, on.day) >= CALENDAR_WARN_FROM
    years = [year for year in (on.year, on.year + 1)
             if (year == on.year or asked) and workdays.year_is_provisional(year)]
    url = reverse("admin:core_workdayschedule_add")
    line = Line(key=item.key, app=item.app, label=item.label, count=len(years),
                url=f"{url}?year={years[0]}" if years else url)
    if years:
        line.note = "、".join(f"{year}年" for year in years)
        line.deadline = dt.date(years[0], 1, 1)
        line.days_left = days_left(on, line.deadline)
    return line


register(Item(key="core.holiday_schedule", label="待录入的年度放假安排",
              permission="core.add_workdayschedule", city_level=True, order=90,
              line=_schedule_line))
