"""Admin building blocks every domain admin uses: region scope and resident-ID masking."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import NamedTuple

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.contrib.admin.widgets import AutocompleteSelect
from django.contrib.auth import get_permission_codename
from django.core.exceptions import ValidationError
from django.http import Http404

from . import audit, resident_id, roles
from .models import Region

# A term shaped like a resident ID number (17 digits and a check character).
ID_SHAPED = re.compile(r"[0-9]{17}[0-9Xx]")


def is_autocomplete(request) -> bool:
    """True for the admin's autocomplete endpoint (select2 widgets)."""
    match = getattr(request, "resolver_match", None)
    return bool(match and match.url_name == "autocomplete")


def id_search_term(term: str) -> str | None:
    """The address-safe form of a search term that is a resident ID (full-width digits
    included): ``digest:<hex>``, or ``digest:-`` (finds nothing) when the check digit is wrong,
    so neither a number nor a near-number reaches a URL or access log (issue 11 §4).
    None when the term is not ID-shaped."""
    from .tabular import normalise

    term = normalise((term or "").strip()).upper()
    if not ID_SHAPED.fullmatch(term):
        return None
    return f"digest:{resident_id.digest(term)}" if resident_id.is_valid(term) else "digest:-"


class IdSafeAutocompleteView(AutocompleteJsonView):
    """The admin autocomplete, also answering POST (issue 12 §6): ``qzgov-id-lookup.js``
    sends a full resident ID in the request body, never in the URL; a GET with an ID-shaped
    term finds nothing (``ResidentIdAdminMixin.get_search_results``). Results stay within the
    user's scope: the related admin's ``get_queryset`` and ``get_search_results``."""

    def post(self, request, *args, **kwargs):
        request.GET = request.POST
        return self.get(request, *args, **kwargs)


class IdAutocompleteSelect(AutocompleteSelect):
    """A scoped autocomplete of people with resident IDs (doctors, beneficiaries): typing a
    full ID number sends it by POST (``qzgov-id-lookup.js``), never in a URL."""

    @property
    def media(self):
        return super().media + forms.Media(js=["qzgov-id-lookup.js"])


class OneQueryChoicesMixin:
    """Inline rows share their dropdowns' choices: each foreign-key dropdown is read once
    per page, not once per row (issue 12 §7); the field's queryset still validates."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if field is not None and hasattr(field, "queryset") and not isinstance(
                getattr(field.widget, "widget", field.widget), AutocompleteSelect):
            field.choices = list(field.choices)
        return field


class ReadOnlyAdminMixin:
    """Records written only by services or jobs (audit trail, outbox, catalogues, reports):
    staff read them in the admin and change nothing there."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyTable(NamedTuple):
    """Related rows shown on a change page as a plain table (``ReadOnlyTablesMixin``)."""

    title: str
    headers: Sequence[str]
    rows: Sequence[Sequence[object]]
    # (url, text) of the full list when ``rows`` is a first part of it.
    more: tuple[str, str] | None = None


class ReadOnlyTablesMixin:
    """Related rows nobody edits on the page (a run's totals and rates, an institution's
    agreements) as plain tables under the form, not read-only inlines (issue 13 §1): an inline
    renders every cell through a form, a template and a URL lookup — the run page's 230 rows
    cost ≈ 300 ms of CPU — and posts a formset the page never changes. ``readonly_tables``
    pairs a method ``(request, obj) -> ReadOnlyTable`` with the model its rows are; a table is
    shown only to a user with that model's view or change permission, as an inline checks.
    The change form template must extend ``admin/core/change_form_tables.html``."""

    readonly_tables: Sequence[tuple[str, type]] = ()
    change_form_template = "admin/core/change_form_tables.html"

    @classmethod
    def readonly_table_models(cls) -> list[type]:
        """The models the page's tables show."""
        return [model for _name, model in cls.readonly_tables]

    def render_change_form(self, request, context, add=False, change=False, form_url="",
                           obj=None):
        if obj is not None:
            context["readonly_tables"] = [getattr(self, name)(request, obj)
                                          for name, model in self.readonly_tables
                                          if self._may_view_rows(request, model)]
        return super().render_change_form(request, context, add=add, change=change,
                                          form_url=form_url, obj=obj)

    @staticmethod
    def _may_view_rows(request, model) -> bool:
        """An inline's test (``InlineModelAdmin.has_view_permission``): view or change."""
        opts = model._meta
        return any(request.user.has_perm(f"{opts.app_label}.{get_permission_codename(action, opts)}")
                   for action in ("view", "change"))

    @staticmethod
    def model_table(title: str, rows, columns: Sequence, *, more=None) -> ReadOnlyTable:
        """A table of ``rows`` (model instances): each column a field name, shown as the
        admin shows a read-only field (choices' labels, dates, numbers; a related record by
        its name, without a link), or ``(header, function of the row)``."""
        from django.contrib.admin.utils import display_for_field

        heads, cells = [], []
        for column in columns:
            if isinstance(column, str):
                field = None
                if rows:
                    field = rows[0]._meta.get_field(column)
                heads.append(column if field is None else str(field.verbose_name))
                cells.append((lambda row, name=column, field=field:
                               display_for_field(getattr(row, name), field, "-")))
            else:
                heads.append(column[0])
                cells.append(column[1])
        return ReadOnlyTable(title, heads, [[cell(row) for cell in cells] for row in rows], more)


class NoDeleteAdminMixin:
    """Rows a gazette document prints that staff complete (target names, organisation links):
    never deleted — a delete would cascade to what the APIs compute from."""

    def has_delete_permission(self, request, obj=None):
        return False


class LockedAdminMixin:
    """Rows whose ``locked_reason()`` says they have legal or financial effect show no change
    form or delete button (issue 9 §4); the model guard refuses them on every other path."""

    def _locked(self, obj) -> bool:
        return obj is not None and hasattr(obj, "locked_reason") and bool(obj.locked_reason())

    def has_change_permission(self, request, obj=None):
        return not self._locked(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        kept = obj is not None and hasattr(obj, "delete_refused_reason") and obj.delete_refused_reason()
        return not self._locked(obj) and not kept and super().has_delete_permission(request, obj)

    def delete_queryset(self, request, queryset):
        from . import authority

        for obj in queryset:
            authority.check_unlocked(obj)
            refused = obj.delete_refused_reason() if hasattr(obj, "delete_refused_reason") else None
            if refused:
                raise authority.AuthorityError(f"{obj}{refused},不能删除")
        super().delete_queryset(request, queryset)


class PrintedStandardAdminMixin(LockedAdminMixin):
    """Standards a gazette document prints (prices, zones, lists, grant items; models with
    ``core.models.PrintedStandard``): shown read-only, never added or deleted by hand — the
    gazette importer writes them and a misprint is corrected by importing the document again
    (the guide's rule for records with legal or financial effect). Staff-set facts live in
    their own event rows (e.g. a grant item's 暂缓/恢复)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class PrintedStandardInline:
    """An inline of printed rows under a printed parent: read-only, no add or delete."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class RegionScopedAdminMixin:
    """Querysets, exports, region choices and history pages honour the user's region scope."""

    region_lookup = "region"

    def get_queryset(self, request):
        return roles.scope_queryset(super().get_queryset(request), request.user, self.region_lookup)

    def _out_of_scope(self, request, object_id) -> bool:
        try:
            return not self.get_queryset(request).filter(pk=unquote(object_id)).exists()
        except (ValueError, ValidationError):
            return True

    def history_view(self, request, object_id, extra_context=None):
        # django-simple-history falls back to the history table for objects the scoped
        # queryset hides; a county user must not read another county's history.
        if self._out_of_scope(request, object_id):
            raise Http404("记录不存在或不在您的管辖区域内")
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if self._out_of_scope(request, object_id):
            raise Http404("记录不存在或不在您的管辖区域内")
        return super().history_form_view(request, object_id, version_id, extra_context)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        related = self.admin_site._registry.get(db_field.related_model)
        if (db_field.name in self.get_autocomplete_fields(request) and "widget" not in kwargs
                and isinstance(related, ResidentIdAdminMixin)):
            kwargs["widget"] = IdAutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using"))
        region = roles.user_region(request.user)
        if region is not None and db_field.related_model is Region:
            kwargs["queryset"] = Region.objects.filter(pk=region.pk)
            kwargs.setdefault("initial", region.pk)
        elif region is not None and "queryset" not in kwargs:
            # A record may only point at records the user can see (a 柯城区 enrolment never
            # names a 江山市 beneficiary, typed by id or not).
            related_admin = self.admin_site._registry.get(db_field.related_model)
            if isinstance(related_admin, RegionScopedAdminMixin):
                kwargs["queryset"] = related_admin.get_queryset(request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ResidentIdAdminMixin:
    """Masked resident IDs in lists; the full number only for allowed roles, each view logged."""

    resident_id_field = "resident_id"

    @admin.display(description="公民身份号码")
    def masked_resident_id(self, obj):
        return resident_id.mask(getattr(obj, self.resident_id_field))

    def get_fields(self, request, obj=None):
        fields = list(super().get_fields(request, obj))
        if obj is not None and not roles.may_see_full_id(request.user):
            fields = ["masked_resident_id" if f == self.resident_id_field else f for f in fields]
        return fields

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is not None and not roles.may_see_full_id(request.user):
            readonly.append("masked_resident_id")
        return readonly

    def set_history_delta_changes(self, request, historical_records, *args, **kwargs):
        """simple-history's history list shows old → new values: mask IDs there too, and log
        the view when the user may see them in full."""
        super().set_history_delta_changes(request, historical_records, *args, **kwargs)
        opts = self.model._meta
        id_field = opts.get_field(self.resident_id_field)
        digest_field = opts.get_field(id_field.digest_field)
        id_names = {id_field.name, str(id_field.verbose_name)}
        digest_names = {digest_field.name, str(digest_field.verbose_name)}
        full = roles.may_see_full_id(request.user)
        shown = None
        for record in historical_records:
            for change in getattr(record, "history_delta_changes", None) or []:
                name = str(change["field"])
                if name in digest_names:
                    change["old"] = change["new"] = "***"
                elif name in id_names:
                    if full:
                        shown = record
                    else:
                        change["old"] = resident_id.mask(str(change["old"] or ""))
                        change["new"] = resident_id.mask(str(change["new"] or ""))
        if shown is not None:
            audit.record_id_view(actor=request.user, obj=shown.instance)

    def get_export_resource_kwargs(self, request, **kwargs):
        """Hand the user to ``ResidentIdExportMixin`` resources so exports mask by role."""
        return {**super().get_export_resource_kwargs(request, **kwargs), "user": request.user}

    # The changelist's search box posts here (templates/admin/search_form.html), so a typed
    # ID number never travels in a URL, not even once before a redirect (issue 11 §4).
    search_by_post = True

    def get_urls(self):
        from django.urls import path

        info = self.opts.app_label, self.opts.model_name
        return [path("search/", self.admin_site.admin_view(self.search_view),
                     name="{}_{}_search".format(*info)), *super().get_urls()]

    def search_view(self, request):
        """POST ``q`` (and the list's filters): redirect to the list, an ID number replaced by
        ``digest:<hex>`` (issue 11 §4: admin search by ID posts the number)."""
        from django.core.exceptions import PermissionDenied
        from django.http import HttpResponseNotAllowed, HttpResponseRedirect, QueryDict
        from django.urls import reverse

        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        query = QueryDict(mutable=True)
        for key, values in request.POST.lists():
            if key not in ("csrfmiddlewaretoken", "q") and len(key) <= 100:
                query.setlist(key, [v[:1000] for v in values[:20]])
        term = (request.POST.get("q") or "").strip()[:1000]
        term = id_search_term(term) or term
        if term == "digest:-":
            from django.contrib import messages

            messages.warning(request, "公民身份号码有误(校验位不符),请核对后再查询")
        if term:
            query["q"] = term
        target = reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist",
                         current_app=self.admin_site.name)
        return HttpResponseRedirect(f"{target}?{query.urlencode()}" if query else target)

    def changelist_view(self, request, extra_context=None):
        """A search for a resident ID number typed into the URL is still answered at a
        digest-keyed address, so the number does not stay in the URL, the browser history or
        bookmarks (issue 11 §4); the search box itself posts (``search_view``)."""
        from django.http import HttpResponseRedirect

        safe = id_search_term(request.GET.get("q") or "")
        if safe is not None:
            query = request.GET.copy()
            query["q"] = safe
            return HttpResponseRedirect(f"{request.path}?{query.urlencode()}")
        return super().changelist_view(request, extra_context)

    def get_search_results(self, request, queryset, search_term):
        """Name and certificate number as usual; ``digest:<hex>`` by the lookup digest; a
        full ID number by its digest, except in an autocomplete GET, where the number would
        sit in the URL: that finds nothing (the widget posts it instead, issue 12 §6)."""
        from .tabular import normalise

        term = normalise((search_term or "").strip())
        digest_field = self.model._meta.get_field(self.resident_id_field).digest_field
        if term.startswith("digest:"):
            return queryset.filter(**{digest_field: term[len("digest:"):].lower()}), False
        if ID_SHAPED.fullmatch(term):
            if (is_autocomplete(request) and request.method != "POST") or not resident_id.is_valid(term):
                return queryset.none(), False
            return queryset.filter(**{digest_field: resident_id.digest(term.upper())}), False
        return super().get_search_results(request, queryset, search_term)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        """A past version's page shows the number as it was then: mask it for roles that may
        not see it, and log the disclosure for those that may (issue 9 §5)."""
        response = super().history_form_view(request, object_id, version_id, extra_context)
        if request.method == "GET" and getattr(response, "status_code", 200) == 200:
            obj = self.get_object(request, object_id)
            if obj is not None and roles.may_see_full_id(request.user):
                audit.record(audit.AuditEvent.Action.VIEW_ID, actor=request.user, obj=obj,
                             note=f"查看历史版本 {version_id} 的完整公民身份号码")
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        if request.method == "GET" and roles.may_see_full_id(request.user):
            obj = self.get_object(request, object_id)
            if obj is not None and getattr(obj, self.resident_id_field):
                audit.record_id_view(actor=request.user, obj=obj)
        return response


def refuse_history_revert() -> None:
    """Past versions are for reading only (issue 9 §4).

    simple-history saves a POST to a history-version page for anyone who may merely *view*
    the model, bypassing the services; here such a POST is refused for every admin, and the
    revert button is hidden (``SIMPLE_HISTORY_REVERT_DISABLED``). Corrections go through the
    record's own page and its service, which check authority and write the workflow events.
    """
    import functools

    from django.core.exceptions import PermissionDenied
    from simple_history.admin import SimpleHistoryAdmin

    original = SimpleHistoryAdmin.history_form_view
    if getattr(original, "qzgov_read_only", False):
        return

    @functools.wraps(original)
    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method not in ("GET", "HEAD"):
            raise PermissionDenied("历史版本只供查看,不能在此保存;如需更正,请在记录页面按业务流程办理")
        return original(self, request, object_id, version_id, extra_context)

    history_form_view.qzgov_read_only = True
    SimpleHistoryAdmin.history_form_view = history_form_view
