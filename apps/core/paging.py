"""Admin page counts that stay cheap on large tables (issue 13 §1).

Django's changelist counts its rows exactly on every page; on a table of millions of rows
that ``COUNT(*)`` costs more than the page itself. ``EstimatedCountPaginator`` (the default
of every admin list, set by ``QzAdminSite.register``) asks PostgreSQL for its estimate —
``pg_class.reltuples`` for a whole table, the planner's row estimate for a filtered or
searched list — and counts exactly whenever the estimate is under
``ADMIN_EXACT_COUNT_LIMIT`` (default 10,000), so small lists and small results stay exact.
SQLite and other databases always count exactly.

Paging over an estimate stays honest: a page is fetched with one row more than it shows, so
"next" appears only when a row exists beyond it; the page that turns out to be the last one
makes the count exact; a page past the real end is answered with the real last page and says
so (``PastEnd``), instead of an empty page or the estimate hiding real pages.
"""

from __future__ import annotations

import json
from functools import partial
from urllib.parse import quote as url_quote

from django.conf import settings
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import quote
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import EmptyResultSet, FullResultSet
from django.core.paginator import EmptyPage, InvalidPage, Page, PageNotAnInteger, Paginator
from django.db import connections
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.html import escape, format_html, format_html_join
from django.utils.http import RFC3986_SUBDELIMS
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _


def url_around_pk(viewname: str, *, current_app: str | None = None) -> tuple[str, str]:
    """(head, tail) of ``viewname``'s URL around its one argument, a primary key: reversed once
    for a page of rows, completed per row as ``head + quoted pk + tail`` (a ``reverse`` per
    row was a twentieth of a 100-row list's CPU, issue 13 §1)."""
    marker = "0"
    url = reverse(viewname, args=(marker,), current_app=current_app)
    head, found, tail = url.rpartition(f"/{marker}/")
    if not found:
        raise ValueError(f"{viewname}: its URL {url} does not hold the key as a path segment")
    return f"{head}/", f"/{tail}"


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


class PastEnd(EmptyPage):
    """The page asked for lies past the real end of an estimated list; ``last`` is the real
    last page (the paginator's count is exact from then on)."""

    def __init__(self, asked: int, last: int):
        super().__init__(f"第 {asked} 页超出实际结果,最后一页是第 {last} 页")
        self.asked, self.last = asked, last


class EstimatedCountPaginator(Paginator):
    """A paginator whose ``count`` is PostgreSQL's estimate on large lists (``estimated``
    says so; the page shows "约"), exact below the limit and on other databases.

    Over an estimate a page is fetched with one row more than it shows: "next" only when a
    row exists beyond the page, the count raised to what was seen when the estimate was low,
    and made exact on the page that turns out to be the last one; a page past the real end
    raises ``PastEnd`` (``get_page`` answers the real last page and sets ``past_end`` to the
    page asked for)."""

    estimated = False
    past_end: int | None = None

    @cached_property
    def count(self) -> int:
        estimate = estimated_count(self.object_list)
        if estimate is None:
            return super().count
        self.estimated = True
        return estimate

    def _settle(self, count: int, estimated: bool) -> None:
        self.count, self.estimated = count, estimated
        for derived in ("num_pages", "page_range"):
            self.__dict__.pop(derived, None)

    def page(self, number) -> Page:
        self.count  # noqa: B018 -- decides whether the count is an estimate
        if not self.estimated or self.orphans:
            return super().page(number)
        try:
            number = int(number)
        except (TypeError, ValueError):
            number = self.validate_number(number)  # raises PageNotAnInteger
        if number < 1:
            return super().page(number)  # raises EmptyPage
        bottom = (number - 1) * self.per_page
        window = self.object_list[bottom:bottom + self.per_page + 1]
        rows = list(window)
        if not rows and number > 1:
            self._settle(self.object_list.count(), estimated=False)  # fewer than `bottom` rows
            raise PastEnd(number, self.num_pages)
        if len(rows) > self.per_page:
            # At least one row beyond this page: the estimate stands unless it was too low.
            self._settle(max(self.count, bottom + len(rows)), estimated=True)
            rows = rows[:self.per_page]
        else:
            self._settle(bottom + len(rows), estimated=False)  # this is the last page
        shown = self.object_list[bottom:bottom + self.per_page]
        shown._result_cache, shown._prefetch_done = rows, True  # stays a queryset (formsets)
        return self._get_page(shown, number, self)

    def get_page(self, number) -> Page:
        """Django's ``get_page``; a page past the real end answers the real last page and
        records the page asked for in ``past_end``."""
        for _attempt in range(2):
            try:
                return self.page(number)
            except PastEnd as past:
                self.past_end = self.past_end or past.asked
                number = past.last
            except PageNotAnInteger:
                number = 1
            except EmptyPage:
                number = self.num_pages
        return self.page(1)  # rows deleted while paging: the first page never raises


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
    default of every admin list, set by ``QzAdminSite.register``), and whose paging over an
    estimate is honest: the count and the pages follow what the page's fetch found, and a
    page past the real end shows the real last page with a note (``past_end``)."""

    past_end: int | None = None

    def get_results(self, request):
        """Django's ``ChangeList.get_results`` with the page fetched before the counts that
        decide the pagination are taken (they may be settled by that fetch)."""
        paginator = self.model_admin.get_paginator(request, self.queryset, self.list_per_page)
        full_result_count = (self.root_queryset.count() if self.model_admin.show_full_result_count
                             else None)
        if (self.show_all and paginator.count <= self.list_max_show_all
                or paginator.count <= self.list_per_page):
            result_list = self.queryset._clone()
        else:
            try:
                result_list = paginator.page(self.page_num).object_list
            except PastEnd as past:
                self.past_end, self.page_num = past.asked, past.last
                try:
                    result_list = paginator.page(past.last).object_list
                except PastEnd:  # rows deleted meanwhile
                    self.page_num = 1
                    result_list = paginator.page(1).object_list
            except InvalidPage:
                raise IncorrectLookupParameters from None
        self.result_count = paginator.count
        self.show_full_result_count = self.model_admin.show_full_result_count
        self.show_admin_actions = not self.show_full_result_count or bool(full_result_count)
        self.full_result_count = full_result_count
        self.result_list = result_list
        self.can_show_all = self.result_count <= self.list_max_show_all
        self.multi_page = self.result_count > self.list_per_page
        self.paginator = paginator

    @cached_property
    def _change_url(self) -> tuple[str, str]:
        return url_around_pk(f"admin:{self.opts.app_label}_{self.opts.model_name}_change",
                             current_app=self.model_admin.admin_site.name)

    def url_for_result(self, result) -> str:
        """Django's change URL of a row, reversed once per page and completed per row (a
        ``reverse`` per row was a twentieth of a 100-row list's CPU, issue 13 §1)."""
        head, tail = self._change_url
        pk = str(quote(getattr(result, self.pk_attname)))
        return f"{head}{url_quote(pk, safe=RFC3986_SUBDELIMS + '~:@')}{tail}"  # as ``reverse``

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
        # Escaped and joined directly: format_html per option was most of this filter's CPU.
        options = mark_safe("".join(  # noqa: S308 -- every value and label escaped here
            f'<option value="{escape(value)}"{" selected" if str(value) == chosen else ""}>'
            f'{escape(label)}</option>' for value, label in choices))
        yield {"select": format_html(
            '<form method="get">{}<select name="{}" aria-label="{}"><option value="">{}</option>{}'
            '</select> <input type="submit" value="{}"></form>',
            format_html_join("", '<input type="hidden" name="{}" value="{}">', kept),
            self.parameter_name, self.title, _("All"), options, "筛选")}
