"""Ecology admin: the zone and the list as imported from the gazette, and the machine
register (county-scoped, uploaded through the same validation as ``machinery_import``)."""

from __future__ import annotations

from django.contrib import admin
from import_export.admin import ExportMixin
from simple_history.admin import SimpleHistoryAdmin

from apps.core.admin_tools import (
    PrintedStandardAdminMixin,
    PrintedStandardInline,
    RegionScopedAdminMixin,
)
from apps.core.import_admin import WholeFileImportMixin

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


@admin.register(Machine)
class MachineAdmin(RegionScopedAdminMixin, WholeFileImportMixin, ExportMixin, SimpleHistoryAdmin):
    resource_classes = [MachineResource]
    list_display = ["serial_number", "sign_number", "owner", "region", "category", "model_name",
                    "fuel", "smoke_class", "site"]
    list_filter = ["region", "category", "fuel", "smoke_class"]
    search_fields = ["serial_number", "sign_number", "owner", "model_name", "site"]
    list_select_related = ["region"]
    change_list_template = "ecology/machine_change_list.html"

    # 整表上传 (issue 14 §4: the one import screen, one-step at ``upload/``): the same
    # validation as ``machinery_import``.
    import_title = "导入非道路移动机械"
    import_upload_path = "upload/"
    import_counted = "台"

    def import_kinds(self):
        return [("machines", "非道路移动机械", list(imports.HEADERS))]

    def import_counts(self, *, kind, data, filename, actor):
        return imports.import_file(data=data, filename=filename, actor=actor)


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
