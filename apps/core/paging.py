"""Admin page counts that stay cheap on large tables (issue 13 §1).

Django's changelist counts its rows exactly on every page; on a table of millions of rows
that ``COUNT(*)`` costs more than the page itself. ``EstimatedCountPaginator`` (the default
of every admin list, set by ``QzAdminSite.register``) asks PostgreSQL for its estimate —
``pg_class.reltuples`` for a whole table, the planner's row estimate for a filtered or
searched list — and counts exactly whenever the estimate is under
``ADMIN_EXACT_COUNT_LIMIT`` (default 10,000), so small lists and small results stay exact.
SQLite and other databases always count exactly.
"""

from __future__ import annotations

import json
from functools import partial

from django.conf import settings
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import EmptyResultSet, FullResultSet
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import QuerySet
from django.utils.functional import cached_property
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _


def exact_limit() -> int:
    return int(getattr(settings, "ADMIN_EXACT_COUNT_LIMIT", 10_000))


def table_estimate(model, using: str = "default") -> int | None:
    """Rows of ``model``'s table by the statistics (``reltuples``; a partitioned table sums
    its partitions); None when the table was never analysed."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT COALESCE(SUM(GREATEST(c.reltuples, 0)), 0), BOOL_OR(c.reltuples >= 0)
            FROM pg_class c
            WHERE c.oid = %s::regclass
               OR c.oid IN (SELECT inhrelid FROM pg_inherits WHERE inhparent = %s::regclass)
            """,
            [model._meta.db_table, model._meta.db_table],
        )
        total, analysed = cursor.fetchone()
    return int(total) if analysed else None


def planner_estimate(queryset: QuerySet) -> int | None:
    """The planner's row estimate for ``queryset`` (``EXPLAIN``, nothing executed)."""
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return None
    try:
        sql, sql_params = queryset.values("pk").query.get_compiler(queryset.db).as_sql()
    except (EmptyResultSet, FullResultSet):  # nothing to ask: the exact count is instant
        return None
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", sql_params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


def estimated_count(queryset) -> int | None:
    """An estimate when it is at least ``exact_limit()``; None means "count exactly"."""
    if not isinstance(queryset, QuerySet) or connections[queryset.db].vendor != "postgresql":
        return None
    query = queryset.query
    if query.distinct or query.low_mark or query.high_mark is not None or query.combinator:
        return None
    if not query.where:
        estimate = table_estimate(queryset.model, queryset.db)
    else:
        estimate = planner_estimate(queryset)
    if estimate is None or estimate < exact_limit():
        return None
    return estimate


class EstimatedCountPaginator(Paginator):
    """A paginator whose ``count`` is PostgreSQL's estimate on large lists (``estimated``
    says so; the page shows "约"), exact below the limit and on other databases."""

    estimated = False

    @cached_property
    def count(self) -> int:
        estimate = estimated_count(self.object_list)
        if estimate is None:
            return super().count
        self.estimated = True
        return estimate


def _choice_count(queryset) -> int | str:
    """One filter choice's count: "约N" from the planner at or over the limit, else exact."""
    estimate = planner_estimate(queryset)
    if estimate is not None and estimate >= exact_limit():
        return f"约{estimate:,}"
    return queryset.count()


def estimated_facets(spec, changelist) -> dict:
    """A list filter's facet counts (Django's "显示计数"): exact when the filtered list is small,
    otherwise one planner estimate per choice instead of one aggregate over every row of a
    table of millions (issue 13 §1)."""
    filtered = changelist.get_queryset(spec.request, exclude_parameters=spec.expected_parameters())
    counts = spec.get_facet_counts(changelist.pk_attname, filtered)
    if estimated_count(filtered) is None:
        return filtered.aggregate(**counts)
    return {key: _choice_count(filtered.filter(expression.filter)) if expression.filter is not None
            else _choice_count(filtered) for key, expression in counts.items()}


class EstimatedChangeList(ChangeList):
    """The admin changelist whose filter facet counts are estimated on large lists (the
    default of every admin list, set by ``QzAdminSite.register``)."""

    def get_filters(self, request):
        specs, *rest = super().get_filters(request)
        for spec in specs:
            if hasattr(spec, "get_facet_counts"):
                spec.get_facet_queryset = partial(estimated_facets, spec)
        return (specs, *rest)


def action_checkbox(model_admin, obj):
    """The list's selection checkbox of one row, the same HTML as Django's
    ``ModelAdmin.action_checkbox`` without rendering a form widget's template per row (a
    third of a 100-row page's CPU, issue 13 §1); set by ``QzAdminSite.register``."""
    from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME

    return format_html(
        '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
        ACTION_CHECKBOX_NAME, str(obj.pk),
        format_html(_("Select this object for an action - {}"), str(obj)))


class ManyChoicesFilter:
    """A ``SimpleListFilter`` mixin: with more than ``select_over`` choices (a province's
    1,000 institutions) the choices are one ``<select>`` in a GET form keeping the list's
    other parameters, built in Python, instead of a link per choice (a query string and a
    template loop each: a fifth of the doctors list's CPU, issue 13 §1). Fewer choices, and
    the facet counts (显示计数), keep Django's links."""

    template = "admin/filter_many.html"
    select_over = 30

    def choices(self, changelist):
        choices = self.lookup_choices
        if changelist.add_facets or len(choices) <= self.select_over:
            yield from super().choices(changelist)
            return
        from django.contrib.admin.views.main import PAGE_VAR

        kept = [(name, value) for name, values in changelist.filter_params.items()
                if name not in (self.parameter_name, PAGE_VAR) for value in values]
        chosen = self.value()
        options = format_html_join("", '<option value="{}"{}>{}</option>', (
            (value, " selected" if str(value) == chosen else "", label) for value, label in choices))
        yield {"select": format_html(
            '<form method="get">{}<select name="{}" aria-label="{}"><option value="">{}</option>{}'
            '</select> <input type="submit" value="{}"></form>',
            format_html_join("", '<input type="hidden" name="{}" value="{}">', kept),
            self.parameter_name, self.title, _("All"), options, "筛选")}
