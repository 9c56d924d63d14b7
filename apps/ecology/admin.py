"""Ecology admin: the zone and the list as imported from the gazette, and the machine
register (county-scoped, uploaded through the same validation as ``machinery_import``)."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.shortcuts import redirect, render
from django.urls import path
from import_export.admin import ExportMixin
from simple_history.admin import SimpleHistoryAdmin

from apps.core.admin_tools import (
    PrintedStandardAdminMixin,
    PrintedStandardInline,
    RegionScopedAdminMixin,
)
from apps.core.tabular import ImportRejected

from . import imports
from .models import Machine, NoPenaltyItem, NoPenaltyList, RestrictedZone
from .resources import MachineResource, NoPenaltyItemResource


@admin.register(RestrictedZone)
class RestrictedZoneAdmin(PrintedStandardAdminMixin, SimpleHistoryAdmin):
    list_display = ["number", "effective_from", "roads_excluded", "boundary"]
    search_fields = ["number", "title"]
    readonly_fields = ["source_article"]

    @admin.display(description="边界道路")
    def boundary(self, obj):
        return ";".join("—".join(section) for section in obj.sections)


class UploadForm(forms.Form):
    file = forms.FileField(label="文件(CSV或XLSX)")


@admin.register(Machine)
class MachineAdmin(RegionScopedAdminMixin, ExportMixin, SimpleHistoryAdmin):
    resource_classes = [MachineResource]
    list_display = ["serial_number", "sign_number", "owner", "region", "category", "model_name",
                    "fuel", "smoke_class", "site"]
    list_filter = ["region", "category", "fuel", "smoke_class"]
    search_fields = ["serial_number", "sign_number", "owner", "model_name", "site"]
    list_select_related = ["region"]
    change_list_template = "ecology/machine_change_list.html"

    def get_urls(self):
        return [path("upload/", self.admin_site.admin_view(self.upload_view),
                     name="ecology_machine_upload"), *super().get_urls()]

    def upload_view(self, request):
        """The admin upload: the same whole-file validation as ``machinery_import``."""
        if not request.user.has_perm("ecology.add_machine"):
            messages.error(request, "无权导入")
            return redirect("admin:ecology_machine_changelist")
        errors = None
        form = UploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                counts = imports.import_file(data=upload.read(), filename=upload.name,
                                             actor=request.user)
            except ImportRejected as exc:
                errors = exc
            else:
                messages.success(request, "导入完成:" + ",".join(f"{k}{v}台" for k, v in counts.items()))
                return redirect("admin:ecology_machine_changelist")
        context = {**self.admin_site.each_context(request), "form": form, "errors": errors,
                   "headers": imports.HEADERS, "title": "导入非道路移动机械", "opts": self.model._meta}
        return render(request, "ecology/import.html", context)


class ItemInline(PrintedStandardInline, admin.TabularInline):
    model = NoPenaltyItem
    fields = ["position", "category", "behaviour", "basis", "correction_days"]
    readonly_fields = fields
    extra = 0
    show_change_link = True


@admin.register(NoPenaltyList)
class NoPenaltyListAdmin(PrintedStandardAdminMixin, SimpleHistoryAdmin):
    list_display = ["number", "effective_from", "trial", "natural_days", "excludes_nuclear"]
    search_fields = ["number", "title"]
    readonly_fields = ["source_article"]
    inlines = [ItemInline]


@admin.register(NoPenaltyItem)
class NoPenaltyItemAdmin(PrintedStandardAdminMixin, ExportMixin, SimpleHistoryAdmin):
    resource_classes = [NoPenaltyItemResource]
    list_display = ["position", "category", "behaviour", "basis", "correction_days"]
    list_filter = ["listing", "category", "law"]
    search_fields = ["behaviour", "basis", "law", "conditions_text"]
    list_select_related = ["listing"]
