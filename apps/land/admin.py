"""Land admin (衢政发〔2020〕16号): standards by zone, read by the districts, kept by city
资源规划 staff; history on every row; prices and fund rates exportable (thin)."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Count
from import_export.admin import ExportMixin
from simple_history.admin import SimpleHistoryAdmin

from apps.core.admin_tools import PrintedStandardAdminMixin, PrintedStandardInline

from .models import CollectiveFundRate, LandPolicyVersion, LandPrice, LandZone
from .resources import CollectiveFundRateResource, LandPriceResource


class ZoneInline(PrintedStandardInline, admin.TabularInline):
    model = LandZone
    fields = ["number", "description", "east", "south", "west", "north"]
    extra = 0
    show_change_link = True


@admin.register(LandPolicyVersion)
class LandPolicyVersionAdmin(PrintedStandardAdminMixin, SimpleHistoryAdmin):
    list_display = ["number", "title", "effective_from", "land_compensation_share",
                    "declared_zone_count", "zones_listed", "count_check"]
    search_fields = ["number", "title"]
    readonly_fields = ["source_article"]
    inlines = [ZoneInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(zone_count=Count("zones"))

    @admin.display(description="附件1区片数")
    def zones_listed(self, obj):
        return obj.zone_count

    @admin.display(description="区片数核对", boolean=True)
    def count_check(self, obj):
        return obj.declared_zone_count == obj.zone_count if obj.declared_zone_count else None


@admin.register(LandZone)
class LandZoneAdmin(PrintedStandardAdminMixin, SimpleHistoryAdmin):
    list_display = ["__str__", "policy", "description", "east", "south", "west", "north"]
    list_filter = ["policy"]
    search_fields = ["description", "east", "south", "west", "north"]
    list_select_related = ["policy"]


@admin.register(LandPrice)
class LandPriceAdmin(PrintedStandardAdminMixin, ExportMixin, SimpleHistoryAdmin):
    resource_classes = [LandPriceResource]
    list_display = ["zone", "land_class", "price_per_mu", "printed"]
    list_filter = ["zone__policy", "zone__number", "land_class"]
    search_fields = ["zone__policy__number"]
    list_select_related = ["zone__policy"]


@admin.register(CollectiveFundRate)
class CollectiveFundRateAdmin(PrintedStandardAdminMixin, ExportMixin, SimpleHistoryAdmin):
    resource_classes = [CollectiveFundRateResource]
    list_display = ["zone", "rate_per_mu", "printed"]
    list_filter = ["zone__policy", "zone__number"]
    search_fields = ["zone__policy__number"]
    list_select_related = ["zone__policy"]
