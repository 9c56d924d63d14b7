"""营商环境 admin (衢政办发〔2020〕21号): the tasks and indicators as imported from the gazette
(read-only, filterable, exportable) and the progress events 市府办 records here or uploads
through the same validation as ``bizenv_progress`` (thin: ``services`` / ``imports``)."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.utils import timezone
from import_export.admin import ExportMixin
from simple_history.admin import SimpleHistoryAdmin

from apps.core.admin_tools import NoDeleteAdminMixin
from apps.core.import_admin import WholeFileImportMixin
from apps.core.worklist import WorklistFilter

from . import imports, selectors, services
from .models import (
    BizEnvContact,
    BizEnvProgress,
    BizEnvTask,
    BizEnvTaskOwner,
    Indicator,
    IndicatorLead,
    IndicatorSubtask,
)
from .resources import BizEnvTaskResource, IndicatorResource


class _ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class OwnerInline(_ReadOnlyInline):
    model = BizEnvTaskOwner
    fields = readonly_fields = ["position", "organisation", "printed"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("organisation", "task")


class ProgressInline(_ReadOnlyInline):
    model = BizEnvProgress
    fields = readonly_fields = ["on", "kind", "note", "recorded_by", "recorded_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("task")


@admin.register(BizEnvTask)
class BizEnvTaskAdmin(NoDeleteAdminMixin, ExportMixin, SimpleHistoryAdmin):
    resource_classes = [BizEnvTaskResource]
    list_display = ["number", "group", "title", "deadline_text", "deadline", "completed_today",
                    "overdue_today"]
    list_filter = [WorklistFilter, "group", "deadline", "owner_links__organisation"]
    search_fields = ["title", "text", "owners_text"]
    readonly_fields = ["document", "number", "group", "group_title", "title", "text", "owners_text",
                       "deadline", "deadline_text", "source_article"]
    exclude = ["owners"]
    inlines = [OwnerInline, ProgressInline]

    def get_queryset(self, request):
        # completion is read from each task's events: one prefetch per page, not a query a row
        return super().get_queryset(request).prefetch_related("progress")

    @admin.display(description="完成日期")
    def completed_today(self, obj):
        return services.completed_on(obj, timezone.localdate()) or "—"

    @admin.display(description="今日逾期", boolean=True)
    def overdue_today(self, obj):
        return selectors.is_overdue(obj, timezone.localdate())


class ProgressForm(forms.ModelForm):
    class Meta:
        model = BizEnvProgress
        fields = ["task", "kind", "on", "note"]

    def clean(self):
        data = super().clean()
        if all(data.get(name) for name in ("task", "kind", "on")):
            try:
                services.check_progress(task=data["task"], kind=data["kind"], on=data["on"],
                                        note=data.get("note") or "")
            except services.ProgressRefused as exc:
                raise forms.ValidationError(str(exc)) from exc
        return data


@admin.register(BizEnvProgress)
class BizEnvProgressAdmin(WholeFileImportMixin, SimpleHistoryAdmin):
    form = ProgressForm
    list_display = ["task", "on", "kind", "note", "recorded_by"]
    list_filter = ["kind", "on", "task__group"]
    search_fields = ["task__title", "note"]
    list_select_related = ["task"]
    change_list_template = "bizenv/progress_change_list.html"

    def get_readonly_fields(self, request, obj=None):
        # Events are never edited: a later 撤销完成 corrects a wrong completion.
        return ["task", "kind", "on", "note", "recorded_by", "recorded_at"] if obj else []

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        if change:
            return
        event = services.progress_record(rows=[{"task": obj.task, "kind": obj.kind, "on": obj.on,
                                                "note": obj.note}], actor=request.user)[0]
        obj.pk = event.pk

    # 整表上传 (issue 14 §4: the one import screen, one-step at ``upload/``): the same
    # validation as ``bizenv_progress``.
    import_title = "导入营商环境任务进展"
    import_upload_path = "upload/"
    import_note = ("任务序号为衢政办发〔2020〕21号“二、工作重点”的任务编号(1至22);完成日期如2020-09-30;"
                   "撤销误报的完成请在“增加”页选择“撤销完成”并说明理由。")
    import_counted = "项"
    import_upload_template = "营商环境任务进展"

    def import_kinds(self):
        return [("progress", "营商环境任务进展", list(imports.HEADERS))]

    def import_counts(self, *, kind, data, filename, actor):
        return imports.import_file(data=data, filename=filename, actor=actor)


class LeadInline(_ReadOnlyInline):
    model = IndicatorLead
    fields = readonly_fields = ["position", "leader", "department", "co_department",
                                "departments_text", "responsible_text"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("department", "co_department", "indicator")


class SubtaskInline(_ReadOnlyInline):
    model = IndicatorSubtask
    fields = readonly_fields = ["position", "number", "text"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("indicator")


@admin.register(Indicator)
class IndicatorAdmin(NoDeleteAdminMixin, ExportMixin, SimpleHistoryAdmin):
    resource_classes = [IndicatorResource]
    list_display = ["number", "name", "lead_departments"]
    list_filter = ["leads__department", "leads__leader"]
    search_fields = ["name", "subtasks__text", "leads__departments_text", "leads__responsible_text"]
    readonly_fields = ["document", "number", "name", "source_article"]
    inlines = [LeadInline, SubtaskInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("leads")

    def get_search_results(self, request, queryset, search_term):
        found, _ = super().get_search_results(request, queryset, search_term)
        return found.distinct(), False

    @admin.display(description="牵头部门")
    def lead_departments(self, obj):
        return "、".join(lead.departments_text for lead in obj.leads.all())


@admin.register(IndicatorLead)
class IndicatorLeadAdmin(NoDeleteAdminMixin, SimpleHistoryAdmin):
    list_display = ["indicator", "leader", "department", "co_department", "responsible_text"]
    list_filter = ["leader", "department"]
    search_fields = ["indicator__name", "leader", "departments_text", "responsible_text"]
    list_select_related = ["indicator", "department", "co_department"]
    readonly_fields = ["indicator", "position", "leader", "department", "co_department",
                       "departments_text", "responsible_text"]


@admin.register(BizEnvContact)
class BizEnvContactAdmin(SimpleHistoryAdmin):
    """Who answers for which unit (their 今日待办 lists that unit's overdue tasks)."""

    list_display = ["user", "organisation"]
    list_filter = ["organisation"]
    search_fields = ["user__username", "user__first_name", "organisation__name"]
    list_select_related = ["user", "organisation"]
