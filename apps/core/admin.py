from django.contrib import admin, messages
from django.utils.html import format_html, format_html_join
from import_export.admin import ExportMixin

from . import workdays
from .admin_tools import RegionScopedAdminMixin
from .models import (
    ApiToken,
    AuditEvent,
    Notice,
    Organisation,
    OrganisationAlias,
    Region,
    StaffProfile,
    WorkdayOverride,
    WorkdaySchedule,
)


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "kind"]
    search_fields = ["name", "code"]


class AliasInline(admin.TabularInline):
    model = OrganisationAlias
    extra = 1


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "region", "alias_list"]
    list_filter = ["kind", "region"]
    search_fields = ["name", "aliases__name"]
    inlines = [AliasInline]

    @admin.display(description="别名")
    def alias_list(self, obj):
        return "、".join(a.name for a in obj.aliases.all())

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("aliases")


@admin.register(StaffProfile)
class StaffProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "region"]
    list_filter = ["region"]
    autocomplete_fields = ["user"]


class OverrideInline(admin.TabularInline):
    model = WorkdayOverride
    extra = 5


@admin.register(WorkdaySchedule)
class WorkdayScheduleAdmin(admin.ModelAdmin):
    list_display = ["year", "notice", "holiday_count", "workday_count", "entered_by", "entered_at"]
    inlines = [OverrideInline]
    readonly_fields = ["entered_by", "entered_at"]

    @admin.display(description="放假日")
    def holiday_count(self, obj):
        return obj.days.filter(kind=WorkdayOverride.Kind.HOLIDAY).count()

    @admin.display(description="调休上班日")
    def workday_count(self, obj):
        return obj.days.filter(kind=WorkdayOverride.Kind.WORKDAY).count()

    def save_model(self, request, obj, form, change):
        obj.entered_by = request.user
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        workdays.clear_cache()
        messages.info(request, f"{form.instance.year}年放假安排已生效,期限计算以此为准")


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "revoked"]
    list_filter = ["revoked"]
    fields = ["user", "name", "revoked", "prefix", "created_at", "last_used_at"]
    readonly_fields = ["prefix", "created_at", "last_used_at"]

    def save_model(self, request, obj, form, change):
        key = None if change else obj.set_new_key()
        super().save_model(request, obj, form, change)
        if key:
            messages.warning(request, f"新令牌(只显示这一次,请立即保存):{key}")


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(RegionScopedAdminMixin, ExportMixin, ReadOnlyAdmin):
    list_display = ["at", "actor_name", "action", "model", "object_repr", "note"]
    list_filter = ["action", "model", "region"]
    search_fields = ["actor_name", "object_repr", "object_id", "note"]
    date_hierarchy = "at"
    readonly_fields = ["at", "actor_name", "action", "model", "object_id", "object_repr",
                       "change_table", "note", "region"]
    exclude = ["changes", "actor"]

    @admin.display(description="变更(原值 → 新值)")
    def change_table(self, obj):
        rows = [(k, v[0], v[1]) for k, v in obj.changes.items() if isinstance(v, list) and len(v) == 2]
        if not rows:
            return format_html("<pre>{}</pre>", obj.changes) if obj.changes else "-"
        body = format_html_join("", "<tr><td>{}</td><td>{}</td><td>{}</td></tr>", rows)
        return format_html("<table><tr><th>字段</th><th>原值</th><th>新值</th></tr>{}</table>", body)


@admin.register(Notice)
class NoticeAdmin(RegionScopedAdminMixin, ExportMixin, ReadOnlyAdmin):
    list_display = ["created_at", "channel", "recipient", "subject", "topic", "status", "sent_at"]
    list_filter = ["status", "channel", "topic"]
    search_fields = ["recipient", "subject", "source"]
