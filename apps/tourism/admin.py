"""Tourism admin (衢政办发〔2020〕18号): the programme and its spots as imported, closures and
settlement inputs uploaded through the same validation as ``tourism_import``; region
scoped by the spot's county; settlement rows are never edited (a new row corrects). Thin:
staff-set dates and counties go through ``services``."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.db.models import Exists, OuterRef
from django.shortcuts import redirect, render
from django.urls import path, reverse
from import_export.admin import ExportMixin
from simple_history.admin import SimpleHistoryAdmin

from apps.core import roles
from apps.core.admin_tools import LockedAdminMixin, NoDeleteAdminMixin, RegionScopedAdminMixin
from apps.core.tabular import ImportRejected

from . import imports, services
from .models import FreeTourYear, ScenicSpot, SpotClosure, SpotSettlement
from .resources import ScenicSpotResource, SpotClosureResource, SpotSettlementResource


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


class UploadForm(forms.Form):
    file = forms.FileField(label="文件(CSV或XLSX)")


class UploadAdminMixin:
    """An 整表上传 page: the same whole-file validation as ``tourism_import <kind>``."""

    upload_kind = ""
    change_list_template = "tourism/upload_change_list.html"

    def _upload_name(self) -> str:
        return f"tourism_{self.model._meta.model_name}_upload"

    def get_urls(self):
        return [path("upload/", self.admin_site.admin_view(self.upload_view), name=self._upload_name()),
                *super().get_urls()]

    def changelist_view(self, request, extra_context=None):
        extra = dict(extra_context or {})
        if self.has_add_permission(request):
            extra["upload_url"] = reverse(f"admin:{self._upload_name()}")
        return super().changelist_view(request, extra)

    def upload_view(self, request):
        changelist = reverse(f"admin:tourism_{self.model._meta.model_name}_changelist")
        if not self.has_add_permission(request):
            messages.error(request, "无权导入")
            return redirect(changelist)
        errors = None
        form = UploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                counts = imports.import_file(kind=self.upload_kind, data=upload.read(),
                                             filename=upload.name, actor=request.user)
            except ImportRejected as exc:
                errors = exc
            else:
                messages.success(request, "导入完成:" + ",".join(f"{k}{v}条" for k, v in counts.items()))
                return redirect(changelist)
        context = {**self.admin_site.each_context(request), "form": form, "errors": errors,
                   "headers": imports.KINDS[self.upload_kind], "changelist_url": changelist,
                   "title": f"导入{self.model._meta.verbose_name}", "opts": self.model._meta}
        return render(request, "admin/qzgov_upload.html", context)


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


class ClosureForm(forms.ModelForm):
    class Meta:
        model = SpotClosure
        fields = ["spot", "starts_on", "ends_on", "note"]

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["starts_on"] > data["ends_on"]:
            self.add_error("ends_on", "早于关闭起始日")
        return data


@admin.register(SpotClosure)
class SpotClosureAdmin(UploadAdminMixin, RegionScopedAdminMixin, NoDeleteAdminMixin, ExportMixin,
                       SimpleHistoryAdmin):
    upload_kind = "closures"
    form = ClosureForm
    resource_classes = [SpotClosureResource]
    region_lookup = "spot__region"
    list_display = ["spot", "starts_on", "ends_on", "note", "recorded_by", "recorded_at"]
    list_filter = ["spot__region", "spot__core", "starts_on"]
    search_fields = ["spot__name", "note"]
    list_select_related = ["spot"]

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)  # a correction, kept in the history
            return
        row = {k: form.cleaned_data[k] for k in ("spot", "starts_on", "ends_on", "note")}
        obj.pk = services.closures_record(rows=[row], actor=request.user, source="后台录入")[0].pk


class SettlementForm(forms.ModelForm):
    class Meta:
        model = SpotSettlement
        fields = ["spot", "year", "base_2019", "daily_ticket_income", "reward_ratio", "visitors"]

    def clean(self):
        data = super().clean()
        spot = data.get("spot")
        if spot is not None and not spot.core:
            self.add_error("spot", "不是核心收费景区(三:补助只对15个核心收费景区)")
        ratio = data.get("reward_ratio")
        if ratio is not None and not services.ratio_ok(ratio):
            self.add_error("reward_ratio", "应在0至1之间")
        return data


@admin.register(SpotSettlement)
class SpotSettlementAdmin(UploadAdminMixin, RegionScopedAdminMixin, NoDeleteAdminMixin, LockedAdminMixin,
                          ExportMixin, SimpleHistoryAdmin):
    upload_kind = "settlements"
    form = SettlementForm
    resource_classes = [SpotSettlementResource]
    region_lookup = "spot__region"
    list_display = ["spot", "year", "base_2019", "daily_ticket_income", "reward_ratio", "visitors",
                    "in_effect", "recorded_by", "recorded_at"]
    list_filter = ["year", "spot__region"]
    search_fields = ["spot__name", "source"]
    list_select_related = ["spot"]

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
