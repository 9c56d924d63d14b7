"""Admin screens: region-scoped, masked IDs, approval buttons, the import screen."""

from __future__ import annotations

import secrets
import tempfile
from pathlib import Path

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils.html import format_html
from import_export import fields, resources
from import_export.admin import ExportMixin
from simple_history.admin import SimpleHistoryAdmin

from apps.core import resident_id
from apps.core.admin_tools import RegionScopedAdminMixin, ResidentIdAdminMixin
from apps.core.tabular import ImportRejected

from . import imports, rules, services
from .models import (
    Beneficiary,
    Enrolment,
    LocalStandard,
    MonthlyIndex,
    PolicyVersion,
    RollLine,
    RunEvent,
    RunRate,
    SubsidyRun,
    University,
    UniversityLine,
)

UPLOAD_DIR = Path(tempfile.gettempdir()) / "qzgov-subsidy-imports"


@admin.register(PolicyVersion)
class PolicyVersionAdmin(SimpleHistoryAdmin):
    list_display = ["document", "effective_from", "scpi_threshold", "food_threshold",
                    "minimum_rate", "multiplier", "floor", "edge_ratio", "payment_label"]


@admin.register(LocalStandard)
class LocalStandardAdmin(RegionScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ["region", "from_month", "urban_dibao", "rural_dibao", "unemployment"]
    list_filter = ["region"]


@admin.register(MonthlyIndex)
class MonthlyIndexAdmin(SimpleHistoryAdmin):
    list_display = ["month", "scpi", "cpi_food", "triggered", "entered_by", "entered_at"]
    exclude = ["entered_by"]

    @admin.display(description="是否启动", boolean=True)
    def triggered(self, obj):
        from .selectors import policy_for

        policy = policy_for(obj.month)
        return bool(policy and rules.is_triggered(policy, scpi=obj.scpi, cpi_food=obj.cpi_food))

    def save_model(self, request, obj, form, change):
        """Entering an index starts the month's draft run after commit (六)."""
        saved = services.index_enter(month=obj.month, scpi=obj.scpi, cpi_food=obj.cpi_food,
                                     entered_by=request.user)
        obj.pk = saved.pk


class EnrolmentInline(admin.TabularInline):
    model = Enrolment
    extra = 0


@admin.register(Beneficiary)
class BeneficiaryAdmin(RegionScopedAdminMixin, ResidentIdAdminMixin, SimpleHistoryAdmin):
    list_display = ["name", "masked_resident_id", "region", "residence"]
    list_filter = ["region", "residence", "enrolments__category"]
    search_fields = ["name"]
    inlines = [EnrolmentInline]

    def get_search_results(self, request, queryset, search_term):
        """A full resident ID number is searched by its digest (the column is encrypted)."""
        if resident_id.is_valid(search_term):
            return queryset.filter(resident_id_digest=resident_id.digest(search_term)), False
        return super().get_search_results(request, queryset, search_term)


@admin.register(Enrolment)
class EnrolmentAdmin(RegionScopedAdminMixin, SimpleHistoryAdmin):
    region_lookup = "beneficiary__region"
    list_display = ["beneficiary", "category", "from_month", "to_month", "department"]
    list_filter = ["category", "department", "beneficiary__region"]
    raw_id_fields = ["beneficiary"]
    search_fields = ["beneficiary__name"]


@admin.register(University)
class UniversityAdmin(RegionScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ["organisation", "region", "students"]


class RunEventInline(admin.TabularInline):
    model = RunEvent
    extra = 0
    can_delete = False
    readonly_fields = ["status", "at", "by", "note"]

    def has_add_permission(self, request, obj=None):
        return False


class RunRateInline(admin.TabularInline):
    model = RunRate
    extra = 0
    can_delete = False
    readonly_fields = ["region", "residence", "category", "department", "standard", "amount"]
    exclude = ["priority"]

    def has_add_permission(self, request, obj=None):
        return False


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label="导入类型", choices=[(k, f"{imports.KIND_LABELS[k]}({','.join(h)})")
                                                     for k, h in imports.HEADERS.items()])
    file = forms.FileField(label="文件(CSV UTF-8/GBK 或 XLSX)")
    from_month = forms.CharField(label="新增资格起始月份", required=False,
                                 help_text="仅补贴对象导入使用,格式YYYY-MM,默认本月")


@admin.register(SubsidyRun)
class SubsidyRunAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "status", "triggered", "scpi", "cpi_food", "rate", "persons",
                    "amount", "prepared_by", "computed_at", "page_link"]
    list_filter = ["status", "triggered", "month"]
    readonly_fields = ["month", "sequence", "policy", "triggered", "scpi", "cpi_food", "rate",
                       "persons", "amount", "computed_at", "prepared_by", "status", "snapshot"]
    exclude = []
    inlines = [RunEventInline, RunRateInline]
    change_form_template = "admin/subsidies/subsidyrun/change_form.html"
    change_list_template = "admin/subsidies/subsidyrun/change_list.html"

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        """Rolls are never deleted: drafts are recomputed, approved ones adjusted."""
        return False

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
            path("import/", self.admin_site.admin_view(self.import_view),
                 name="subsidies_import"),
        ]
        return own + super().get_urls()

    def step_view(self, request, pk: int, step: str):
        """提交 / 审核 / 已发放 buttons (POST only)."""
        run = get_object_or_404(SubsidyRun, pk=pk)
        if request.method != "POST":
            raise PermissionDenied
        needed = "subsidies.approve_subsidyrun" if step == "approve" else "subsidies.change_subsidyrun"
        if not request.user.has_perm(needed):
            raise PermissionDenied
        action = {"submit": services.run_submit, "approve": services.run_approve,
                  "paid": services.run_mark_paid}.get(step)
        if action is None:
            raise PermissionDenied
        try:
            run = action(run=run, by=request.user, note=request.POST.get("note", ""))
            messages.success(request, f"{run}:{run.get_status_display()}")
        except services.SubsidyError as exc:
            messages.error(request, str(exc))
        return HttpResponseRedirect(request.POST.get("next") or
                                    reverse("admin:subsidies_subsidyrun_change", args=[pk]))

    def compute_view(self, request):
        if request.method != "POST" or not request.user.has_perm("subsidies.change_subsidyrun"):
            raise PermissionDenied
        try:
            run = services.run_compute(month=request.POST.get("month", ""), actor=request.user)
            messages.success(request, f"{run}:{run.persons}人,{run.amount:.2f}元"
                             if run.triggered else f"{run}:未启动(SCPI {run.scpi}%,CPI食品 {run.cpi_food}%)")
        except (rules.BadMonth, services.SubsidyError) as exc:
            messages.error(request, str(exc))
        return HttpResponseRedirect(reverse("admin:subsidies_subsidyrun_changelist"))

    def import_view(self, request):
        """Upload → whole-file check and preview → confirm (nothing is written before)."""
        if not request.user.has_perm("subsidies.add_beneficiary"):
            raise PermissionDenied
        context = {**self.admin_site.each_context(request), "title": "导入价格补贴数据",
                   "opts": self.model._meta}
        if request.method == "POST" and request.POST.get("token"):
            token = request.POST["token"]
            stored = UPLOAD_DIR / f"{token}.bin"
            if not token.isalnum() or not stored.exists():
                messages.error(request, "上传的文件已过期,请重新上传")
                return HttpResponseRedirect(reverse("admin:subsidies_import"))
            try:
                result = imports.import_file(
                    kind=request.POST["kind"], data=stored.read_bytes(),
                    filename=request.POST["filename"], actor=request.user,
                    from_month=request.POST.get("from_month") or None)
                messages.success(request, str(result))
            except (ImportRejected, rules.BadMonth) as exc:
                messages.error(request, str(exc))
            finally:
                stored.unlink(missing_ok=True)
            return HttpResponseRedirect(reverse("admin:subsidies_import"))
        form = ImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            data = upload.read()
            from_month = form.cleaned_data["from_month"] or None
            try:
                result = imports.import_file(kind=form.cleaned_data["kind"], data=data,
                                             filename=upload.name, dry_run=True,
                                             from_month=from_month)
            except ImportRejected as exc:
                context.update(form=form, errors=exc.errors, summary=str(exc))
                return render(request, "admin/subsidies/import.html", context)
            except rules.BadMonth as exc:
                form.add_error("from_month", str(exc))
            else:
                UPLOAD_DIR.mkdir(parents=True, exist_ok=True)
                token = secrets.token_hex(16)
                (UPLOAD_DIR / f"{token}.bin").write_bytes(data)
                context.update(form=form, preview=result, token=token, filename=upload.name,
                               kind=form.cleaned_data["kind"], from_month=from_month or "")
                return render(request, "admin/subsidies/import.html", context)
        context["form"] = form
        return render(request, "admin/subsidies/import.html", context)


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


@admin.register(RollLine)
class RollLineAdmin(RegionScopedAdminMixin, ExportMixin, admin.ModelAdmin):
    """Roll lines per department × region (filter, then export)."""

    resource_classes = [RollLineResource]
    list_display = ["run", "beneficiary", "masked_id", "region", "category", "department",
                    "standard", "amount"]
    list_filter = ["run", "department", "region", "category"]
    list_select_related = ["run", "beneficiary", "region"]

    def get_queryset(self, request):
        from .selectors import scope_lines

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
class UniversityLineAdmin(RegionScopedAdminMixin, admin.ModelAdmin):
    list_display = ["run", "school", "region", "students", "per_student", "amount"]
    list_filter = ["run"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
