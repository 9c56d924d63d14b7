"""Admin: documents with their timelines, campaigns with reconciliation status (thin)."""

from __future__ import annotations

import contextvars
import datetime as dt

from django.conf import settings
from django.contrib import admin, messages
from django.db.models import Count
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from import_export.admin import ExportMixin
from simple_history.admin import SimpleHistoryAdmin

from apps.core.admin_tools import LockedAdminMixin, ReadOnlyAdminMixin
from apps.core.exporting import SafeCSV, SafeXLSX
from apps.core.import_admin import ServiceImportMixin
from apps.core.roles import user_region
from apps.core.tabular import megabytes
from apps.core.uploads import INLINE_MAX_BYTES, INLINE_MAX_ROWS, discard_upload
from apps.core.void_admin import (
    NoDeleteActionMixin,
    ReasonActionForm,
    VoidedFilter,
    run_void_action,
)

from . import imports, services
from .filters import number_query
from .models import (
    CampaignItem,
    CleanupCampaign,
    DocumentLink,
    NormativeDocument,
    Outcome,
    ReconciliationReport,
    Status,
    StatusEvent,
    StatusEventVoid,
)
from .resources import CampaignResultResource, DocumentResource  # exports only
from .selectors import documents_in_status, live_events_prefetch, standing_on, timeline

EXPORTS = [SafeXLSX, SafeCSV]  # formula-like text neutralised (issue 11 §2)
# The list's “status on a date”, per request (admin instances are shared between threads).
_list_as_of: contextvars.ContextVar[dt.date | None] = contextvars.ContextVar("as_of", default=None)


def _as_of(request) -> dt.date:
    try:
        return dt.date.fromisoformat(request.GET.get("as_of", ""))
    except ValueError:
        return timezone.localdate()


class CityRegistryMixin:
    """The registry holds the city bureaus' documents (no region of their own). Where DOMAIN
    is silent: county-scoped staff read it like everyone else but do not change it; city
    市场监管/生态环境 staff keep it (``role_access``)."""

    def _county(self, request) -> bool:
        return user_region(request.user) is not None

    def has_add_permission(self, request, *args):
        return not self._county(request) and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        return not self._county(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._county(request) and super().has_delete_permission(request, obj)

    def has_import_permission(self, request):
        return (not self._county(request)
                and getattr(super(), "has_import_permission", lambda r: True)(request))


class AsOfFilter(admin.SimpleListFilter):
    """The date “status on a date” refers to; any YYYY-MM-DD may be typed into the URL."""

    title = "状态日期"
    parameter_name = "as_of"

    def lookups(self, request, model_admin):
        dates = {timezone.localdate()}
        for campaign in CleanupCampaign.objects.all():
            dates |= {campaign.effective_date - dt.timedelta(days=1), campaign.effective_date}
            if campaign.revise_deadline:
                dates |= {campaign.revise_deadline, campaign.revise_deadline + dt.timedelta(days=1)}
        chosen = self.value()
        if chosen:
            try:
                dates.add(dt.date.fromisoformat(chosen))
            except ValueError:
                pass
        return [(d.isoformat(), d.isoformat()) for d in sorted(dates)]

    def queryset(self, request, queryset):
        return queryset


class StatusOnDateFilter(admin.SimpleListFilter):
    title = "状态(按状态日期)"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return Status.choices

    def queryset(self, request, queryset):
        if self.value() in Status.values:
            return documents_in_status(queryset, status=self.value(), on=_as_of(request))
        return queryset


class CampaignFilter(admin.SimpleListFilter):
    title = "清理工作"
    parameter_name = "campaign"

    def lookups(self, request, model_admin):
        return [(c.pk, c.number) for c in CleanupCampaign.objects.all()]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(campaign_items__campaign_id=self.value()).distinct()
        return queryset


class StatusEventInline(CityRegistryMixin, admin.TabularInline):
    """Shown here, never edited or deleted (issue 9 §4): new events and voids/corrections
    are recorded on the 状态变更 screen."""

    model = StatusEvent
    fk_name = "document"
    extra = 0
    fields = ("effective_date", "status", "cause", "campaign", "repealed_by", "deadline", "note",
              "applied_at", "void_reason")
    readonly_fields = fields
    can_delete = False
    verbose_name_plural = "状态变更记录(状态由此推算;已作废的不计)"

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        # One query for all rows, however many events (issue 12 §7).
        return super().get_queryset(request).select_related("document", "campaign", "repealed_by",
                                                            "void")

    @admin.display(description="作废原因")
    def void_reason(self, obj):
        void = getattr(obj, "void", None)
        return f"已作废:{void.reason}" if void else ""


class LinkInInline(admin.TabularInline):
    """Shown here, added through 文件关系 (so the repeal's status event is written too)."""

    model = DocumentLink
    fk_name = "target"
    extra = 0
    fields = ("source", "kind", "effective_date", "clause")
    readonly_fields = fields
    can_delete = False
    verbose_name_plural = "被以下文件废止/替代/修改"

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("source", "target")


class LinkOutInline(LinkInInline):
    fk_name = "source"
    fields = ("target", "kind", "effective_date", "clause")
    readonly_fields = fields
    verbose_name_plural = "本文件废止/替代/修改"



# The 导入 screens' notes under the headers (accepted values; what an import never changes).
DOCUMENTS_NOTE = ("文号可用任意括号写法;已登记文号的空白单元格保留原值;公开发布填“是”或“否”(空白为否);"
                  "标题末尾多出的“继续有效”等字样、与已登记标题的不同记入核对报告。")
CAMPAIGN_NOTE = ("清理结果填 继续有效、需修改、废止、宣布失效 之一,状态自清理决定生效日起变更;"
                 "已登记的清理结果不由导入改变,请在状态变更中作废或更正。")

class RegistryImportMixin(ServiceImportMixin):
    """The registry's 导入 screens: no worker path, so a file past the inline limits
    (``uploads.validate_in_worker``, issue 11 §3) is refused, saying which limit and its size."""

    def import_large(self, request, *, kind, token, data, filename, options):
        discard_upload(token)
        limit = int(getattr(settings, "IMPORT_INLINE_MAX_BYTES", INLINE_MAX_BYTES))
        rows = int(getattr(settings, "IMPORT_INLINE_MAX_ROWS", INLINE_MAX_ROWS))
        label = self.import_module.KIND_LABELS[kind]
        if filename.lower().endswith((".xlsx", ".xlsm")):  # counted four times (compressed)
            over = f"XLSX文件{megabytes(len(data))},超过{megabytes(limit // 4)}的上限"
        elif len(data) > limit:
            over = f"文件{megabytes(len(data))},超过{megabytes(limit)}的上限"
        else:
            over = f"文件超过{rows}行的上限"
        messages.error(request, f"文件过大({over}),未导入任何数据:{label}表格请分批导入")
        return HttpResponseRedirect(self.import_url())


@admin.register(NormativeDocument)
class NormativeDocumentAdmin(CityRegistryMixin, RegistryImportMixin, ExportMixin, SimpleHistoryAdmin):
    resource_classes = [DocumentResource]
    import_module, import_kind, import_note = imports, "documents", DOCUMENTS_NOTE
    export_formats = EXPORTS
    list_display = ("number", "title", "issuer", "date", "status_on_date", "status_since")
    list_filter = (AsOfFilter, StatusOnDateFilter, CampaignFilter,
                   ("issuer", admin.RelatedOnlyFieldListFilter))
    search_fields = ("title", "number")
    search_help_text = "文号可用任意括号写法(〔〕[]()),可含空格;或输入标题关键词"
    readonly_fields = ("timeline_table", "standing_today", "created_at")
    fields = ("number", "number_issuer_code", "number_year", "number_serial", "title", "issuer",
              "date", "public", "source", "standing_today", "timeline_table", "created_at")
    autocomplete_fields = ("issuer",)
    inlines = [StatusEventInline, LinkOutInline, LinkInInline]

    def get_queryset(self, request):
        _list_as_of.set(_as_of(request))
        return super().get_queryset(request).select_related("issuer").prefetch_related(
            live_events_prefetch(), "links_in")

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if term:
            by_number = queryset.filter(number_query(term))
            if by_number.exists():
                return by_number, False
        return super().get_search_results(request, queryset, search_term)

    @admin.display(description="状态")
    def status_on_date(self, obj):
        on = _list_as_of.get() or timezone.localdate()
        return standing_on(obj, on).label

    @admin.display(description="自")
    def status_since(self, obj):
        on = _list_as_of.get() or timezone.localdate()
        standing = standing_on(obj, on)
        return standing.since or ("日期不详" if standing.status else "")

    @admin.display(description="今日状态")
    def standing_today(self, obj):
        if obj.pk is None:
            return ""
        standing = standing_on(obj, timezone.localdate())
        return f"{standing.label}(自{standing.since or '日期不详'},依据 {standing.by or '—'})"

    @admin.display(description="状态时间线")
    def timeline_table(self, obj):
        if obj.pk is None:
            return ""
        rows = format_html_join(
            "", "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            ((e.date or "日期不详", e.label, e.by or "", e.note + ("(推定)" if e.derived else ""))
             for e in timeline(obj)))
        page = reverse("regulations:detail", args=[obj.pk])
        return format_html('<table><tr><th>生效日期</th><th>状态</th><th>依据</th><th>说明</th></tr>{}'
                           '</table><p><a href="{}">查看查询页时间线</a></p>', rows, page)


class CampaignItemInline(admin.TabularInline):
    model = CampaignItem
    extra = 0
    fields = ("outcome", "position", "document", "number_as_printed", "title_as_printed",
              "duplicate_positions")
    readonly_fields = fields
    can_delete = False
    ordering = ("outcome", "position")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("campaign", "document")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(CleanupCampaign)
class CleanupCampaignAdmin(CityRegistryMixin, SimpleHistoryAdmin):
    list_display = ("number", "title", "issuer", "effective_date", "announced_total",
                    "listed_documents", "reconciled")
    list_filter = ("issuer", "effective_date")
    search_fields = ("number", "title")
    readonly_fields = ("reconciliation_findings",)
    fieldsets = [
        ("核对结果", {"fields": ("reconciliation_findings",)}),
        (None, {"fields": ("number", "title", "document", "issuer", "date", "effective_date",
                           "legal_basis", "revise_deadline")}),
        ("公布数", {"fields": ("announced_total", "announced_continue", "announced_revise",
                             "announced_repeal", "announced_invalid")}),
    ]
    autocomplete_fields = ("document", "issuer")
    inlines = [CampaignItemInline]
    list_select_related = ("issuer", "reconciliation")

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_items=Count("items"))

    @admin.display(description="目录文件数(去重)", ordering="n_items")
    def listed_documents(self, obj):
        return obj.n_items

    @admin.display(description="核对", boolean=False)
    def reconciled(self, obj):
        report = getattr(obj, "reconciliation", None)
        if report is None:
            return "未核对"
        return "一致" if report.balanced else f"有差异({len(report.findings)}项)"

    @admin.display(description="核对发现")
    def reconciliation_findings(self, obj):
        report = getattr(obj, "reconciliation", None)
        if report is None:
            return "未核对"
        return format_html("<ul>{}</ul>", format_html_join("", "<li>{}</li>",
                                                           ((f["message"],) for f in report.findings)))


@admin.register(CampaignItem)
class CampaignItemAdmin(CityRegistryMixin, RegistryImportMixin, ExportMixin, SimpleHistoryAdmin):
    resource_classes = [CampaignResultResource]
    import_module, import_kind, import_note = imports, "campaign_results", CAMPAIGN_NOTE
    export_formats = EXPORTS
    list_display = ("campaign", "outcome", "position", "document", "duplicate_positions")
    list_filter = ("campaign", "outcome")
    search_fields = ("document__number", "document__title")
    autocomplete_fields = ("document",)


@admin.register(ReconciliationReport)
class ReconciliationReportAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    """Read-only: what the import found (totals, duplicates, non-standard numbers)."""

    list_display = ("source_number", "campaign", "balanced", "finding_count", "checked_at")
    list_select_related = ("campaign",)
    list_filter = ("balanced",)
    readonly_fields = ("source_number", "campaign", "announced_counts", "listed_counts",
                       "distinct_counts", "balanced", "findings_list", "checked_at")
    fields = readonly_fields

    @staticmethod
    def _counts(data: dict) -> str:
        # Fixed order: PostgreSQL's jsonb does not keep key order.
        labels = {**{o.value: o.label for o in Outcome}, "total": "共计", "sum": "各项合计"}
        return " · ".join(f"{label} {data[key]}" for key, label in labels.items() if key in data) or "—"

    @admin.display(description="公布数")
    def announced_counts(self, obj):
        return self._counts(obj.announced)

    @admin.display(description="目录条目数")
    def listed_counts(self, obj):
        return self._counts(obj.listed)

    @admin.display(description="去重后文件数")
    def distinct_counts(self, obj):
        return self._counts(obj.distinct)

    @admin.display(description="问题数")
    def finding_count(self, obj):
        return len(obj.findings)

    @admin.display(description="发现的问题")
    def findings_list(self, obj):
        return format_html("<ol>{}</ol>", format_html_join("", "<li>{}</li>",
                                                           ((f["message"],) for f in obj.findings)))


@admin.register(StatusEvent)
class StatusEventAdmin(LockedAdminMixin, NoDeleteActionMixin, CityRegistryMixin, SimpleHistoryAdmin):
    """New events are added here; a recorded event is never edited or deleted, only voided
    with a reason (the action below) or corrected by a new event (issue 9 §4)."""

    list_display = ("document", "effective_date", "status", "cause", "by_act", "deadline",
                    "applied_at", "voided")
    list_select_related = ("document", "campaign", "repealed_by", "void")
    list_filter = (VoidedFilter, "status", "cause", "campaign")
    search_fields = ("document__number", "document__title")
    autocomplete_fields = ("document", "repealed_by")
    readonly_fields = ("applied_at",)
    action_form = ReasonActionForm
    actions = ["void_events"]

    @admin.display(description="依据")
    def by_act(self, obj):
        return obj.by or ""

    @admin.display(description="已作废", boolean=True)
    def voided(self, obj):
        return getattr(obj, "void", None) is not None

    @admin.action(description="作废所选状态变更(须填写原因)", permissions=["add"])
    def void_events(self, request, queryset):
        run_void_action(self, request, queryset,
                        lambda event, reason: services.event_void(event=event, reason=reason,
                                                                  actor=request.user))


@admin.register(StatusEventVoid)
class StatusEventVoidAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    """Voids and corrections are recorded by the 状态变更 action (services), read here."""

    list_display = ("event", "reason", "replacement", "actor_name", "voided_at")
    list_select_related = ("event__document", "replacement__document")
    search_fields = ("event__document__number", "event__document__title", "reason")


@admin.register(DocumentLink)
class DocumentLinkAdmin(CityRegistryMixin, SimpleHistoryAdmin):
    list_display = ("source", "kind", "target", "effective_date")
    list_filter = ("kind",)
    autocomplete_fields = ("source", "target")

    def save_model(self, request, obj, form, change):
        """A new “废止/替代” link also repeals the target from its date (services.repeal_record)."""
        if change or obj.effective_date is None:
            super().save_model(request, obj, form, change)
            return
        services.repeal_record(repealer=obj.source, target=obj.target, effective=obj.effective_date,
                               kind=obj.kind, clause=obj.clause)
        obj.pk = DocumentLink.objects.get(source=obj.source, target=obj.target, kind=obj.kind).pk
