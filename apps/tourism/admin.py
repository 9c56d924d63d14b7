"""Tourism admin (衢政办发〔2020〕18号): the programme and its spots as imported, closures and
settlement inputs uploaded through the same validation as ``tourism_import``; region
scoped by the spot's county; settlement rows are never edited (a new row corrects). Thin:
staff-set dates and counties go through ``services``."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.db.models import Exists, OuterRef
from django.shortcuts import redirect
from import_export.admin import ExportMixin
from simple_history.admin import SimpleHistoryAdmin

from apps.core import roles
from apps.core.admin_tools import (
    LockedAdminMixin,
    NoDeleteAdminMixin,
    ReadOnlyAdminMixin,
    RegionScopedAdminMixin,
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
from apps.core.worklist import WorklistFilter

from . import imports, services
from .models import (
    FreeTourYear,
    ScenicSpot,
    SettlementStatement,
    SpotClosure,
    SpotClosureVoid,
    SpotSettlement,
)
from .resources import (
    ScenicSpotResource,
    SettlementStatementResource,
    SpotClosureResource,
    SpotSettlementResource,
)


class FreeTourYearForm(forms.ModelForm):
    class Meta:
        model = FreeTourYear
        fields = ["weekend_extension_from", "weekend_extension_basis"]

    def clean(self):
        data = super().clean()
        start, basis = data.get("weekend_extension_from"), data.get("weekend_extension_basis") or ""
        if start and not basis.strip():
            self.add_error("weekend_extension_basis", "请填写依据(确定开始时间的通知或会议纪要)")
        if start is None and self.instance.weekend_extension_from:
            self.add_error("weekend_extension_from", "已确定的起始日不能清空,如有误请填写更正后的日期")
        if start and not self.instance.starts_on <= start <= self.instance.ends_on:
            self.add_error("weekend_extension_from",
                           f"应在{self.instance.starts_on}至{self.instance.ends_on}之间")
        return data


@admin.register(FreeTourYear)
class FreeTourYearAdmin(NoDeleteAdminMixin, SimpleHistoryAdmin):
    form = FreeTourYearForm
    list_display = ["year", "document", "starts_on", "ends_on", "weekend_extension_from",
                    "declared_core_count", "declared_other_count", "settle_by"]
    search_fields = ["document"]
    readonly_fields = ["document", "year", "signed_on", "starts_on", "ends_on", "declared_core_count",
                       "declared_other_count", "city_reward_divisor", "settle_by", "source_article"]

    def has_add_permission(self, request):
        return False  # a programme comes from the gazette

    def save_model(self, request, obj, form, change):
        start = form.cleaned_data.get("weekend_extension_from")
        if start and form.changed_data:
            services.weekend_extension_set(programme=obj, starts_on=start,
                                           basis=form.cleaned_data["weekend_extension_basis"],
                                           actor=request.user)


class ScenicSpotForm(forms.ModelForm):
    class Meta:
        model = ScenicSpot
        fields = ["region"]


@admin.register(ScenicSpot)
class ScenicSpotAdmin(RegionScopedAdminMixin, NoDeleteAdminMixin, ExportMixin, SimpleHistoryAdmin):
    form = ScenicSpotForm
    resource_classes = [ScenicSpotResource]
    list_display = ["name", "core", "printed", "region", "programme"]
    list_filter = ["programme", "core", "region"]
    search_fields = ["name", "printed"]
    list_select_related = ["programme", "region"]
    readonly_fields = ["programme", "name", "printed", "core", "position", "exclusions"]

    def has_add_permission(self, request):
        return False  # the spots come from the gazette

    def get_readonly_fields(self, request, obj=None):
        # The county is set by city 文旅 staff (not printed); county staff only read it.
        fields = list(self.readonly_fields)
        return [*fields, "region"] if roles.user_region(request.user) is not None else fields

    def save_model(self, request, obj, form, change):
        if "region" in form.changed_data:
            services.spot_region_set(spot=obj, region=form.cleaned_data["region"], actor=request.user)


def _add_problems(form, problems, columns: dict[str, str]) -> None:
    for column, message in problems:
        form.add_error(columns.get(column), message)


class ClosureForm(forms.ModelForm):
    """Staff entry of one closure, checked by the import's own rule (``closure_check``)."""

    class Meta:
        model = SpotClosure
        fields = ["spot", "starts_on", "ends_on", "note"]

    def clean(self):
        data = super().clean()
        if all(data.get(k) for k in ("spot", "starts_on", "ends_on")):
            _add_problems(self, services.closure_check(
                spot=data["spot"], starts_on=data["starts_on"], ends_on=data["ends_on"]),
                {"起": "starts_on", "止": "ends_on", "景区": "spot"})
        return data


class ClosureActionForm(ReasonActionForm):
    """The action bar: reason, and for a correction the dates that change (blank = keep)."""

    new_starts_on = forms.DateField(label="更正后关闭起", required=False,
                                    widget=forms.DateInput(attrs={"placeholder": "YYYY-MM-DD"}))
    new_ends_on = forms.DateField(label="更正后关闭止", required=False,
                                  widget=forms.DateInput(attrs={"placeholder": "YYYY-MM-DD"}))
    new_note = forms.CharField(label="更正后说明", required=False, max_length=300)


@admin.register(SpotClosure)
class SpotClosureAdmin(RegionScopedAdminMixin, NoDeleteAdminMixin, LockedAdminMixin, NoDeleteActionMixin,
                       WholeFileImportMixin, ExportMixin, SimpleHistoryAdmin):
    """A recorded closure decides free days (二(二)1): never edited or deleted — the actions
    void it with a reason or correct it (a new closure replaces it)."""

    form = ClosureForm
    resource_classes = [SpotClosureResource]
    region_lookup = "spot__region"
    list_display = ["spot", "starts_on", "ends_on", "note", "voided", "recorded_by", "recorded_at"]
    list_filter = [VoidedFilter, "spot__region", "spot__core", "starts_on"]
    search_fields = ["spot__name", "note"]
    list_select_related = ["spot", "void"]
    action_form = action_bar(ClosureActionForm)
    actions = ["void_closures", "correct_closure"]
    change_list_template = "tourism/upload_change_list.html"
    import_title = "导入景区关闭时段"
    import_upload_path = "upload/"
    import_note = "日期写作2020-03-01;起止两日均计入关闭;同一关闭时段不能重复登记。"

    def get_readonly_fields(self, request, obj=None):
        if obj is not None:
            return ["spot", "starts_on", "ends_on", "note", "recorded_by", "recorded_at"]
        return []

    @admin.display(description="已作废", boolean=True)
    def voided(self, obj):
        return hasattr(obj, "void")

    def save_model(self, request, obj, form, change):
        if change:
            return  # locked: voided or corrected through the actions
        row = {k: form.cleaned_data[k] for k in ("spot", "starts_on", "ends_on", "note")}
        obj.pk = services.closures_record(rows=[row], actor=request.user, source="后台录入")[0].pk

    @admin.action(description="作废所选关闭时段(须填写原因)", permissions=["add"])
    def void_closures(self, request, queryset):
        run_void_action(self, request, queryset,
                        lambda c, reason: services.closure_void(closure=c, reason=reason,
                                                                actor=request.user))

    @admin.action(description="更正所选关闭时段(填写原因和更正后的日期)", permissions=["add"])
    def correct_closure(self, request, queryset):
        data = correction_data(self, request, queryset, ClosureActionForm, "日期")
        if data is None:
            return

        def correct(closure, reason):
            return services.closure_correct(
                closure=closure, reason=reason, starts_on=data["new_starts_on"],
                ends_on=data["new_ends_on"], note=data["new_note"] or None, actor=request.user)

        run_void_action(self, request, queryset, correct, verb="更正")

    def import_kinds(self):
        return [("closures", "景区关闭时段", list(imports.CLOSURE_HEADERS))]

    def import_counts(self, *, kind, data, filename, actor):
        return imports.import_file(kind=kind, data=data, filename=filename, actor=actor)


@admin.register(SpotClosureVoid)
class SpotClosureVoidAdmin(RegionScopedAdminMixin, ReadOnlyAdminMixin, SimpleHistoryAdmin):
    region_lookup = "closure__spot__region"
    list_display = ["closure", "replacement", "reason", "actor_name", "voided_at"]
    search_fields = ["closure__spot__name", "reason"]
    list_select_related = ["closure__spot", "replacement__spot"]


# SpotSettlement's column names (as in the import) → the form's fields.
SETTLEMENT_COLUMNS = {"景区": "spot", "年度": "year", "2019年补助额": "base_2019",
                      "日均门票收入": "daily_ticket_income", "奖补比例": "reward_ratio",
                      "游客人数": "visitors"}


class SettlementForm(forms.ModelForm):
    """Staff entry of settlement inputs, checked by the import's own rule (``settlement_check``)."""

    class Meta:
        model = SpotSettlement
        fields = ["spot", "year", "base_2019", "daily_ticket_income", "reward_ratio", "visitors"]

    def clean(self):
        data = super().clean()
        if data.get("spot") is not None and "year" not in self.errors:
            _add_problems(self, services.settlement_check(
                spot=data["spot"], year=data.get("year"), base_2019=data.get("base_2019"),
                daily_ticket_income=data.get("daily_ticket_income"),
                reward_ratio=data.get("reward_ratio"), visitors=data.get("visitors")),
                SETTLEMENT_COLUMNS)
        return data


@admin.register(SpotSettlement)
class SpotSettlementAdmin(RegionScopedAdminMixin, NoDeleteAdminMixin, LockedAdminMixin, WholeFileImportMixin,
                          ExportMixin, SimpleHistoryAdmin):
    form = SettlementForm
    resource_classes = [SpotSettlementResource]
    region_lookup = "spot__region"
    list_display = ["spot", "year", "base_2019", "daily_ticket_income", "reward_ratio", "visitors",
                    "in_effect", "recorded_by", "recorded_at"]
    list_filter = ["year", "spot__region"]
    search_fields = ["spot__name", "source"]
    list_select_related = ["spot"]
    change_list_template = "tourism/upload_change_list.html"
    import_title = "导入景区补助结算依据"
    import_upload_path = "upload/"
    import_note = ("年度为活动方案年度;金额以元计、最多两位小数;奖补比例0至1(四(二)考核结果);"
                   "未知的值留空,但不能全部为空。更正请再导入一行(新行取代现行记录)。")

    def get_queryset(self, request):
        later = SpotSettlement.objects.filter(supersedes=OuterRef("pk"))
        return super().get_queryset(request).annotate(in_effect=~Exists(later))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "spot":
            kwargs["queryset"] = self.admin_site._registry[ScenicSpot].get_queryset(request).filter(core=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description="现行", boolean=True)
    def in_effect(self, obj):
        return obj.in_effect

    def save_model(self, request, obj, form, change):
        if change:
            return  # locked: a correction is a new row
        row = {k: form.cleaned_data[k] for k in ("spot", "year", "base_2019", "daily_ticket_income",
                                                   "reward_ratio", "visitors")}
        obj.pk = services.settlements_record(rows=[row], actor=request.user, source="后台录入")[0].pk

    def import_kinds(self):
        return [("settlements", "景区补助结算依据", list(imports.SETTLEMENT_HEADERS))]

    def import_counts(self, *, kind, data, filename, actor):
        return imports.import_file(kind=kind, data=data, filename=filename, actor=actor)


class StatementForm(forms.ModelForm):
    """出具结算单: spot, year and date; the figures are computed (``services.do_settle``),
    checked first by the service's own rule (``settle_check``)."""

    class Meta:
        model = SettlementStatement
        fields = ["spot", "year", "computed_on", "note"]

    def clean(self):
        data = super().clean()
        if data.get("spot") is not None and data.get("year") and data.get("computed_on"):
            for message in services.settle_check(spot=data["spot"], year=data["year"],
                                                 as_of=data["computed_on"]):
                self.add_error(None, message)
        return data


@admin.register(SettlementStatement)
class SettlementStatementAdmin(RegionScopedAdminMixin, NoDeleteAdminMixin, LockedAdminMixin,
                               NoDeleteActionMixin, ExportMixin, SimpleHistoryAdmin):
    """结算单 (三(三)): issued by ``do_settle`` from the inputs, closures and calendar of the
    day; never edited — a new statement supersedes the one in force (both kept)."""

    form = StatementForm
    resource_classes = [SettlementStatementResource]
    region_lookup = "spot__region"
    list_display = ["spot", "year", "computed_on", "free_days", "final", "advance", "city_reward",
                    "difference", "direction", "provisional_label", "in_force", "actor_name"]
    list_filter = [WorklistFilter, "year", "direction", "provisional", "spot__region"]
    search_fields = ["spot__name", "note"]
    list_select_related = ["spot"]
    readonly_fields = ["free_days", "final", "advance", "city_reward", "difference", "direction",
                       "settle_by", "provisional_label", "inputs", "supersedes", "actor_name",
                       "computed_at"]

    def get_queryset(self, request):
        later = SettlementStatement.objects.filter(supersedes=OuterRef("pk"))
        return super().get_queryset(request).annotate(in_force=~Exists(later))

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["spot", "year", "computed_on", "note"]
        return ["spot", "year", "computed_on", *self.readonly_fields, "note"]

    def get_readonly_fields(self, request, obj=None):
        return [*self.readonly_fields, "spot", "year", "computed_on", "note"] if obj else []

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "spot":
            kwargs["queryset"] = self.admin_site._registry[ScenicSpot].get_queryset(request).filter(core=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description="暂定", boolean=False)
    def provisional_label(self, obj):
        return "暂定" if obj.provisional else "—"

    @admin.display(description="现行", boolean=True)
    def in_force(self, obj):
        return getattr(obj, "in_force", None)

    def add_view(self, request, form_url="", extra_context=None):
        """The form ran ``settle_check``; a statement issued meanwhile (a double click on
        出具) makes ``do_settle`` refuse inside the save: said on the list, never a 500."""
        try:
            return super().add_view(request, form_url, extra_context)
        except services.Refused as exc:
            messages.error(request, f"未出具结算单:{exc}")
            return redirect("admin:tourism_settlementstatement_changelist")

    def save_model(self, request, obj, form, change):
        if change:
            return  # locked: a new statement supersedes it
        data = form.cleaned_data
        obj.pk = services.do_settle(spot=data["spot"], year=data["year"], as_of=data["computed_on"],
                                    note=data.get("note") or "", actor=request.user).pk
