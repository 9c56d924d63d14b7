"""Admin screens: region-scoped, masked IDs, approval buttons; the four imports use
the core import screen (import_admin.SubsidyImportMixin) over the whole-file service.

Authority (issue 9): city-wide models are read-only to county staff (AuthorityBackend);
every button calls the service, which checks the actor; approved and paid runs and their
lines show no change form or delete button (LockedAdminMixin)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from import_export import fields, resources
from import_export.admin import ExportMixin
from simple_history.admin import SimpleHistoryAdmin

from apps.core import labels, params, resident_id
from apps.core.admin_tools import (
    LockedAdminMixin,
    OneQueryChoicesMixin,
    ReadOnlyTablesMixin,
    RegionScopedAdminMixin,
    ResidentIdAdminMixin,
)
from apps.core.models import Region
from apps.core.worklist import WorklistFilter

from . import rules, services
from .exports import DEPARTMENT_LABELS, roll_filename
from .import_admin import SubsidyImportMixin
from .models import (
    Beneficiary,
    BeneficiaryFact,
    Category,
    Enrolment,
    Job,
    LocalStandard,
    MonthlyIndex,
    PolicyVersion,
    RollLine,
    RunEvent,
    RunRate,
    RunTotal,
    SubsidyRun,
    University,
    UniversityFact,
    UniversityLine,
)
from .selectors import policy_for, scope_lines
from .views import start_run


@admin.register(PolicyVersion)
class PolicyVersionAdmin(SimpleHistoryAdmin):
    list_display = ["document", "effective_from", "scpi_threshold", "food_threshold",
                    "minimum_rate", "multiplier", "floor", "edge_ratio", "payment_label"]


@admin.register(LocalStandard)
class LocalStandardAdmin(LockedAdminMixin, RegionScopedAdminMixin, SubsidyImportMixin,
                         SimpleHistoryAdmin):
    import_kind = "standards"
    list_display = ["region", "from_month", "urban_dibao", "rural_dibao", "unemployment"]
    list_filter = ["region"]


@admin.register(MonthlyIndex)
class MonthlyIndexAdmin(LockedAdminMixin, SubsidyImportMixin, SimpleHistoryAdmin):
    import_kind = "indices"
    list_display = ["month", "scpi", "cpi_food", "triggered", "entered_by", "entered_at"]
    exclude = ["entered_by"]

    list_select_related = ["entered_by"]

    def get_changelist(self, request, **kwargs):
        return MonthlyIndexChangeList

    @admin.display(description="是否启动", boolean=True)
    def triggered(self, obj):
        policy = obj.policy_in_force if hasattr(obj, "policy_in_force") else policy_for(obj.month)
        return bool(policy and rules.is_triggered(policy, scpi=obj.scpi, cpi_food=obj.cpi_food))

    def save_model(self, request, obj, form, change):
        """Entering an index starts the month's draft run after commit (六)."""
        saved = services.index_enter(month=obj.month, scpi=obj.scpi, cpi_food=obj.cpi_food,
                                     entered_by=request.user, actor=request.user)
        obj.pk = saved.pk


class MonthlyIndexChangeList(ChangeList):
    """Each row's policy version from one read of the (few) versions (issue 12 §7)."""

    def get_results(self, request):
        super().get_results(request)
        policies = list(PolicyVersion.objects.order_by("-effective_from"))
        for index in self.result_list:
            end = rules.month_end(index.month)
            index.policy_in_force = next((p for p in policies if p.effective_from <= end), None)


class EnrolmentInline(admin.TabularInline):
    model = Enrolment
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("beneficiary")


class BeneficiaryFactInline(OneQueryChoicesMixin, admin.TabularInline):
    """区划和城乡按月: a move starts a new row; a run for month M uses the row in force in M."""

    model = BeneficiaryFact
    extra = 0
    fields = ["from_month", "region", "residence"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("beneficiary")


class UniversityFactInline(admin.TabularInline):
    """在校学生数按月 (1900-01 = 自始)."""

    model = UniversityFact
    extra = 0
    fields = ["from_month", "students"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("university__organisation")


class EnrolledCategoryFilter(admin.SimpleListFilter):
    """类别: people holding an enrolment of the category, as an EXISTS (a join would repeat a
    person per enrolment and need DISTINCT over the whole table)."""

    title = "类别"
    parameter_name = "category"

    def lookups(self, request, model_admin):
        return Category.choices

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(Exists(Enrolment.objects.filter(
                beneficiary=OuterRef("pk"), category=self.value())))
        return queryset


@admin.register(Beneficiary)
class BeneficiaryAdmin(RegionScopedAdminMixin, ResidentIdAdminMixin, SubsidyImportMixin,
                       SimpleHistoryAdmin):
    import_kind = "beneficiaries"
    list_display = ["name", "masked_resident_id", "region", "residence"]
    list_filter = ["region", "residence", EnrolledCategoryFilter]
    search_fields = ["name"]
    # Indexed order and sorts only (a million people, issue 13 §1): (region, name, id), name.
    ordering = ["region_id", "name", "id"]
    sortable_by = ["name"]
    inlines = [BeneficiaryFactInline, EnrolmentInline]


@admin.register(Enrolment)
class EnrolmentAdmin(RegionScopedAdminMixin, SimpleHistoryAdmin):
    region_lookup = "beneficiary__region"
    list_display = ["beneficiary", "category", "from_month", "to_month", "department"]
    list_filter = ["category", "department", "beneficiary__region"]
    # A scoped autocomplete (BeneficiaryAdmin's queryset): a county user never sees or
    # prints another county's person (issue 9 §6).
    autocomplete_fields = ["beneficiary"]
    search_fields = ["beneficiary__name"]
    # The unique (beneficiary, category, from_month) key orders the list; sorting by person
    # would sort a million rows by their names (issue 13 §1).
    ordering = ["beneficiary_id", "category", "from_month"]
    sortable_by = []


@admin.register(University)
class UniversityAdmin(RegionScopedAdminMixin, SubsidyImportMixin, SimpleHistoryAdmin):
    import_kind = "universities"
    list_display = ["organisation", "region", "students"]
    autocomplete_fields = ["organisation"]
    inlines = [UniversityFactInline]


@admin.register(SubsidyRun)
class SubsidyRunAdmin(ReadOnlyTablesMixin, LockedAdminMixin, SimpleHistoryAdmin):
    list_display = ["__str__", "status", "triggered", "scpi", "cpi_food", "rate", "persons",
                    "amount", "prepared_by", "computed_at", "page_link"]
    list_select_related = ["prepared_by"]
    list_filter = [WorklistFilter, "status", "triggered", "month"]
    readonly_fields = ["month", "sequence", "policy", "triggered", "scpi", "cpi_food", "rate",
                       "persons", "amount", "computed_at", "prepared_by", "status", "stale_since",
                       "stale_reason", "snapshot_view"]
    exclude = ["snapshot"]
    # The run's steps, its rate table and its derived totals (八: 人次和金额 per county ×
    # department × category): written by the run service only, shown as tables (issue 13 §1).
    readonly_tables = [("events_table", RunEvent), ("rates_table", RunRate),
                       ("totals_table", RunTotal)]
    change_form_template = "admin/subsidies/subsidyrun/change_form.html"
    change_list_template = "admin/subsidies/subsidyrun/change_list.html"

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        """Rolls are never deleted: drafts are recomputed, approved ones adjusted."""
        return False

    def events_table(self, request, obj):
        return self.model_table("流转记录", list(obj.events.select_related("by").order_by("at", "id")),
                                ["status", "at", "by", "note"])

    def rates_table(self, request, obj):
        rates = obj.rates.select_related("region")
        return self.model_table("适用标准", list(rates), ["region", "residence", "category",
                                                      "department", "standard", "amount"])

    def totals_table(self, request, obj):
        totals = obj.totals.select_related("region").order_by(
            "region__code", "department", "category")
        return self.model_table("测算汇总", list(totals), ["region", "department", "category",
                                                       "persons", "amount"])

    @admin.display(description="计算快照")
    def snapshot_view(self, obj):
        """The stored snapshot with Chinese keys, region names and category labels."""
        keys = {**dict(Category.choices),
                **dict(Region.objects.filter(code__in=list(obj.snapshot.get("standards", {})))
                       .values_list("code", "name"))}
        return labels.json_table(obj.snapshot, [MonthlyIndex, PolicyVersion, LocalStandard], keys)

    @admin.display(description="测算页")
    def page_link(self, obj):
        return format_html('<a href="{}">查看</a>',
                           reverse("subsidies-run-page", args=[f"{obj.month:%Y-%m}"]))

    def get_urls(self):
        own = [
            path("<int:pk>/step/<str:step>/", self.admin_site.admin_view(self.step_view),
                 name="subsidies_subsidyrun_step"),
            path("compute/", self.admin_site.admin_view(self.compute_view),
                 name="subsidies_subsidyrun_compute"),
        ]
        return own + super().get_urls()

    def step_view(self, request, pk: int, step: str):
        """提交 / 审核 / 退回 / 已发放 buttons (POST only). The service checks the user's
        level and permission (AuthorityError → 403) and the workflow rules (message)."""
        run = get_object_or_404(SubsidyRun, pk=pk)
        if request.method != "POST":
            raise PermissionDenied
        reviewing = step in ("approve", "return")
        needed = "subsidies.approve_subsidyrun" if reviewing else "subsidies.change_subsidyrun"
        if step not in (*services.RUN_STEPS, "return") or not request.user.has_perm(needed):
            raise PermissionDenied
        try:
            if step == "return":
                run = services.run_return(run=run, by=request.user,
                                          reason=request.POST.get("reason", ""))
            else:
                run = services.RUN_STEPS[step](run=run, by=request.user,
                                               note=request.POST.get("note", ""))
            messages.success(request, f"{run}:{run.get_status_display()}")
        except services.SubsidyError as exc:
            messages.error(request, str(exc))
        return HttpResponseRedirect(params.safe_next(
            request, reverse("admin:subsidies_subsidyrun_change", args=[pk])))

    def compute_view(self, request):
        """计算/调整: runs as a task with a progress page (views.start_run)."""
        return start_run(request)


class RollLineResource(resources.ModelResource):
    """Roll export with the issue's headers; IDs masked (the full roll is the command's job)."""

    resident = fields.Field(column_name="公民身份号码")
    name = fields.Field(column_name="姓名", attribute="beneficiary__name")
    region_code = fields.Field(column_name="区划代码", attribute="region__code")
    category_label = fields.Field(column_name="类别")
    department_label = fields.Field(column_name="发放部门")
    amount = fields.Field(column_name="金额", attribute="amount")
    note = fields.Field(column_name="备注")

    class Meta:
        model = RollLine
        name = "发放名单"
        fields = ["resident", "name", "region_code", "category_label", "department_label",
                  "amount", "note"]
        export_order = fields

    def dehydrate_resident(self, line):
        return resident_id.mask(line.beneficiary.resident_id)

    def dehydrate_category_label(self, line):
        return line.get_category_display()

    def dehydrate_department_label(self, line):
        return line.get_department_display()

    def dehydrate_note(self, line):
        return line.run.policy.payment_label


def _int(value) -> int | None:
    return int(value) if value and str(value).isdigit() and len(str(value)) < 12 else None


@admin.register(RollLine)
class RollLineAdmin(LockedAdminMixin, RegionScopedAdminMixin, ExportMixin, admin.ModelAdmin):
    """Roll lines per department × region (filter, then export)."""

    resource_classes = [RollLineResource]
    list_display = ["run", "beneficiary", "masked_id", "region", "category", "department",
                    "standard", "amount"]
    list_filter = ["run", "department", "region", "category"]
    list_select_related = ["run", "beneficiary", "region"]
    # Twelve million lines a year: the list follows the (run, region, department, id) index,
    # newest roll first, and offers no column sort (filter, then export; issue 13 §1).
    # (column names: "run"/"region" would sort by the related models' own orderings, a join.)
    ordering = ["-run_id", "region_id", "department", "id"]
    sortable_by = []

    export_sheet = "发放名单"

    def get_export_filename(self, request, queryset, file_format):
        """``2020-06价格临时补贴发放名单-民政部门-柯城区.xlsx`` from the list's filters (run,
        department, region; issue 12 §4); without a run filter the list's date."""
        ext = file_format.get_extension()
        run = SubsidyRun.objects.filter(pk=_int(request.GET.get("run__id__exact"))).first()
        department = request.GET.get("department__exact")
        department = department if department in DEPARTMENT_LABELS else None
        region = Region.objects.filter(pk=_int(request.GET.get("region__id__exact"))).first()
        if run is None:
            parts = ["发放名单", DEPARTMENT_LABELS.get(department, "全部发放部门"),
                     region.name if region else "全部区划", f"{timezone.localdate():%Y-%m-%d}"]
            return "-".join(parts) + f".{ext}"
        return roll_filename(run, department=department, region=region, fmt=ext)

    def get_queryset(self, request):
        return scope_lines(super().get_queryset(request), request.user)

    @admin.display(description="公民身份号码")
    def masked_id(self, obj):
        return resident_id.mask(obj.beneficiary.resident_id)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(UniversityLine)
class UniversityLineAdmin(LockedAdminMixin, RegionScopedAdminMixin, admin.ModelAdmin):
    """Lines are derived by the run: a draft's are recomputed, an approved one's are locked
    (issue 9 §4), so nobody adds, edits or deletes them here."""

    list_display = ["run", "school", "region", "students", "per_student", "amount"]
    list_filter = ["run"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    """Progress records of runs and imports (read-only; the page polls them)."""

    list_display = ["label", "kind", "status", "stage", "done", "total", "attempts",
                    "started_by", "created_at", "heartbeat_at", "page_link"]
    list_select_related = ["started_by"]
    list_filter = [WorklistFilter, "kind", "status"]
    readonly_fields = [f.name for f in Job._meta.fields]

    def get_queryset(self, request):
        """Own jobs (all for superusers); runs started by 系统 for whoever may view runs."""
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        own = Q(started_by=request.user)
        if request.user.has_perm("subsidies.view_subsidyrun"):
            own |= Q(started_by=None, kind=Job.Kind.RUN)
        return qs.filter(own)

    @admin.display(description="进度页")
    def page_link(self, obj):
        return format_html('<a href="{}">查看</a>', reverse("subsidies-job-page", args=[obj.pk]))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
