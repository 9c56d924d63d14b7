"""Pairings admin (衢政办发〔2020〕17号): the plan and its 附件 as imported (read, linked,
targets named by staff), and the activities 市援疆指挥部 logs — added through
``services.activity_record``, uploaded through the same validation as ``pairing_import``,
voided or corrected (never edited) through the services (thin)."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.db.models import Count
from import_export.admin import ExportMixin
from simple_history.admin import SimpleHistoryAdmin

from apps.core.admin_tools import (
    LockedAdminMixin,
    NoDeleteAdminMixin,
    ReadOnlyAdminMixin,
)
from apps.core.import_admin import WholeFileImportMixin
from apps.core.void_admin import (
    NoDeleteActionMixin,
    ReasonActionForm,
    VoidedFilter,
    action_bar,
    correction_data,
    run_void_action,
)

from . import imports, services
from .models import (
    ActivityKind,
    Pairing,
    PairingActivity,
    PairingActivityVoid,
    PairingPlan,
    PairingTarget,
)
from .resources import PairingActivityResource, PairingResource


@admin.register(PairingPlan)
class PairingPlanAdmin(NoDeleteAdminMixin, SimpleHistoryAdmin):
    list_display = ["number", "signed_on", "term_from", "term_to", "declared_count", "listed",
                    "reconciled", "aid_floor_per_target"]
    search_fields = ["number", "title"]
    readonly_fields = ["number", "title", "signed_on", "source_article"]

    def has_add_permission(self, request):
        return False  # a plan comes from its gazette document (import_gazette)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(listed_count=Count("pairings"))

    @admin.display(description="附件列出单位数")
    def listed(self, obj):
        return obj.listed_count

    @admin.display(description="核对", boolean=True)
    def reconciled(self, obj):
        return None if obj.declared_count is None else obj.declared_count == obj.listed_count


class TargetInline(admin.TabularInline):
    model = PairingTarget
    fields = ["kind", "ordinal", "name"]
    readonly_fields = ["kind", "ordinal"]
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False  # the 附件 prints how many; re-import the gazette to change that


class ActivityInline(admin.TabularInline):
    model = PairingActivity
    fields = ["on", "kind", "amount", "note", "voided", "recorded_by"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("pairing", "void")

    @admin.display(description="已作废", boolean=True)
    def voided(self, obj):
        return hasattr(obj, "void")


@admin.register(Pairing)
class PairingAdmin(NoDeleteAdminMixin, ExportMixin, SimpleHistoryAdmin):
    resource_classes = [PairingResource]
    list_display = ["position", "unit", "organisation", "arrangement", "plan"]
    list_filter = ["plan", "targets__kind"]
    search_fields = ["unit", "organisation__name", "organisation__aliases__name", "targets__name"]
    list_select_related = ["plan", "organisation"]
    readonly_fields = ["plan", "position", "unit", "arrangement"]
    autocomplete_fields = ["organisation"]
    inlines = [TargetInline, ActivityInline]

    def has_add_permission(self, request):
        return False  # the 附件 rows come from the gazette import, as printed

    def get_export_queryset(self, request):
        return super().get_export_queryset(request).prefetch_related("targets")


@admin.register(PairingTarget)
class PairingTargetAdmin(NoDeleteAdminMixin, SimpleHistoryAdmin):
    list_display = ["__str__", "pairing", "kind", "ordinal", "name"]
    list_filter = ["kind", "pairing__plan"]
    search_fields = ["name", "pairing__unit"]
    list_select_related = ["pairing"]
    readonly_fields = ["pairing", "kind", "ordinal"]

    def has_add_permission(self, request):
        return False  # targets come from the 附件 counts


class ActivityForm(forms.ModelForm):
    """Staff entry of one activity, checked by the import's own rule (``activity_problems``)."""

    class Meta:
        model = PairingActivity
        fields = ["pairing", "kind", "on", "amount", "note"]

    def clean(self):
        data = super().clean()
        if all(data.get(name) for name in ("pairing", "kind", "on")):
            problems = services.activity_problems(
                pairing=data["pairing"], kind=data["kind"], on=data["on"],
                amount=data.get("amount"), note=(data.get("note") or "").strip())
            for column, message in problems:
                field = {"类型": "kind", "日期": "on", "金额": "amount", "说明": "note"}.get(column)
                self.add_error(field, message)
        return data


class ActivityActionForm(ReasonActionForm):
    """The action bar: reason, and for a correction the values that change (blank = keep)."""

    new_kind = forms.ChoiceField(label="更正后类型", required=False,
                                 choices=[("", "(不变)"), *ActivityKind.choices])
    new_on = forms.DateField(label="更正后日期", required=False, widget=forms.DateInput(attrs={"placeholder": "YYYY-MM-DD"}))
    new_amount = forms.DecimalField(label="更正后金额", required=False, max_digits=14, decimal_places=2)
    new_note = forms.CharField(label="更正后说明", required=False, max_length=500)


@admin.register(PairingActivity)
class PairingActivityAdmin(LockedAdminMixin, NoDeleteActionMixin, WholeFileImportMixin, ExportMixin,
                           SimpleHistoryAdmin):
    """Filter by type, year and unit, then export. A logged activity is never edited or
    deleted (issue 9 §4): the actions void it with a reason or correct it (a new activity)."""

    form = ActivityForm
    resource_classes = [PairingActivityResource]
    list_display = ["on", "pairing", "kind", "amount", "note", "voided", "recorded_by"]
    list_filter = [VoidedFilter, "kind", ("on", admin.DateFieldListFilter), "pairing__plan", "pairing"]
    date_hierarchy = "on"
    search_fields = ["pairing__unit", "note", "source"]
    list_select_related = ["pairing", "void"]
    autocomplete_fields = ["pairing"]
    action_form = action_bar(ActivityActionForm)
    actions = ["void_activities", "correct_activity"]
    change_list_template = "pairings/activity_change_list.html"
    import_title = "导入帮扶活动"
    import_upload_path = "upload/"
    import_note = "类型为资金、物资、专题研究、调研对接、书面报告之一;资金、物资须填写金额(元),其他类型不填金额。"

    def get_readonly_fields(self, request, obj=None):
        if obj is not None:
            return ["pairing", "kind", "on", "amount", "note", "source", "recorded_by", "recorded_at"]
        return []

    @admin.display(description="已作废", boolean=True)
    def voided(self, obj):
        return hasattr(obj, "void")

    def save_model(self, request, obj, form, change):
        if change:
            return
        saved = services.activity_record(pairing=obj.pairing, kind=obj.kind, on=obj.on,
                                         amount=obj.amount, note=obj.note, actor=request.user)
        obj.pk = saved.pk

    @admin.action(description="作废所选帮扶活动(须填写原因)", permissions=["add"])
    def void_activities(self, request, queryset):
        run_void_action(self, request, queryset,
                        lambda a, reason: services.activity_void(activity=a, reason=reason,
                                                                 actor=request.user))

    @admin.action(description="更正所选帮扶活动(填写原因和更正后的内容)", permissions=["add"])
    def correct_activity(self, request, queryset):
        data = correction_data(self, request, queryset, ActivityActionForm, "内容")
        if data is None:
            return
        amount = data["new_amount"] if data["new_amount"] is not None else "keep"

        def correct(activity, reason):
            return services.activity_correct(
                activity=activity, reason=reason, kind=data["new_kind"] or None,
                on=data["new_on"], amount=amount, note=data["new_note"] or None,
                actor=request.user)

        run_void_action(self, request, queryset, correct, verb="更正")

    def import_kinds(self):
        return [("activities", "帮扶活动", list(imports.HEADERS))]

    def import_counts(self, *, kind, data, filename, actor):
        return imports.import_file(data=data, filename=filename, actor=actor)


@admin.register(PairingActivityVoid)
class PairingActivityVoidAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ["activity", "replacement", "reason", "actor_name", "voided_at"]
    search_fields = ["activity__pairing__unit", "reason"]
    list_select_related = ["activity__pairing", "replacement__pairing"]
