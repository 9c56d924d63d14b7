from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import display_for_value
from django.db.models import Count, Q
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from import_export.admin import ExportMixin
from simple_history.admin import SimpleHistoryAdmin

from . import labels, services, workdays
from .admin_tools import ReadOnlyAdminMixin, RegionScopedAdminMixin
from .models import (
    ApiToken,
    AuditArchive,
    AuditEvent,
    LoginLock,
    Notice,
    Organisation,
    OrganisationAlias,
    PasswordRecord,
    Region,
    StaffProfile,
    UserSession,
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
    list_display = ["name", "kind", "region", "successor", "alias_list"]
    list_select_related = ["region", "successor"]
    list_filter = ["kind", "region"]
    search_fields = ["name", "aliases__name"]
    autocomplete_fields = ["successor"]
    inlines = [AliasInline]
    actions = ["merge_organisations"]

    @admin.action(description="合并所选单位(保留一个,其余名称作为别名)", permissions=["change"])
    def merge_organisations(self, request, queryset):
        organisations = list(queryset.order_by("name"))
        if len(organisations) < 2:
            self.message_user(request, "请至少选择两个单位进行合并", messages.WARNING)
            return None
        keep_id = request.POST.get("keep")
        if keep_id:
            keep = next((o for o in organisations if str(o.pk) == keep_id), None)
            if keep is None:
                self.message_user(request, "要保留的单位不在所选范围内", messages.ERROR)
                return None
            for other in organisations:
                if other != keep:
                    services.organisation_merge(keep=keep, merge=other, actor=request.user)
            self.message_user(request, f"已将{len(organisations) - 1}个单位并入“{keep.name}”")
            return None
        return TemplateResponse(request, "admin/core/organisation/merge.html", {
            **self.admin_site.each_context(request), "title": "合并单位",
            "organisations": organisations, "opts": self.model._meta,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        })

    @admin.display(description="别名")
    def alias_list(self, obj):
        return "、".join(a.name for a in obj.aliases.all())

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("aliases")


def _admin_or_auditor(user) -> bool:
    from .roles import ADMIN_ROLES, AUDITOR

    return bool(user.is_active and (user.is_superuser or user.groups.filter(
        name__in=[AUDITOR, *ADMIN_ROLES]).exists()))


@admin.register(StaffProfile)
class StaffProfileAdmin(admin.ModelAdmin):
    """Staff scopes are for administrators (superusers) and auditors only (issue 9 §6)."""

    list_display = ["user", "region"]
    list_select_related = ["user", "region"]
    list_filter = ["region"]
    autocomplete_fields = ["user"]

    def has_view_permission(self, request, obj=None):
        return _admin_or_auditor(request.user) and super().has_view_permission(request, obj)

    def has_module_permission(self, request):
        return _admin_or_auditor(request.user) and super().has_module_permission(request)


class OverrideInline(admin.TabularInline):
    model = WorkdayOverride
    extra = 5


@admin.register(WorkdaySchedule)
class WorkdayScheduleAdmin(SimpleHistoryAdmin):
    """Entered by 市府办 staff (roles.EXTRA_GRANTS: add and change, no delete; every change
    is in the history and the audit trail). Saving recomputes the open deadlines that
    were provisional (暂定) or otherwise touched by the schedule."""

    list_display = ["year", "notice", "holiday_count", "workday_count", "entered_by", "entered_at"]
    list_select_related = ["entered_by"]
    inlines = [OverrideInline]
    readonly_fields = ["entered_by", "entered_at"]

    def get_queryset(self, request):
        # Counted in the list query, not once per row (issue 12 §7).
        return super().get_queryset(request).annotate(
            n_holidays=Count("days", filter=Q(days__kind=WorkdayOverride.Kind.HOLIDAY)),
            n_workdays=Count("days", filter=Q(days__kind=WorkdayOverride.Kind.WORKDAY)))

    @admin.display(description="放假日", ordering="n_holidays")
    def holiday_count(self, obj):
        return obj.n_holidays

    @admin.display(description="调休上班日", ordering="n_workdays")
    def workday_count(self, obj):
        return obj.n_workdays

    def changelist_view(self, request, extra_context=None):
        year = timezone.localdate().year
        for y in (year, year + 1):
            if workdays.year_is_provisional(y):
                messages.warning(request, f"{y}年放假安排尚未录入,{y}年的工作日期限按《全国年节及"
                                          f"纪念日放假办法》推算,均为暂定")
        return super().changelist_view(request, extra_context)

    def save_model(self, request, obj, form, change):
        obj.entered_by = request.user
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        self._recompute(request, form.instance.year, "已生效,期限计算以此为准")

    def delete_model(self, request, obj):
        year = obj.year
        super().delete_model(request, obj)
        self._recompute(request, year, "已删除")

    def delete_queryset(self, request, queryset):
        years = list(queryset.values_list("year", flat=True))
        super().delete_queryset(request, queryset)
        for year in years:
            self._recompute(request, year, "已删除")

    def _recompute(self, request, year: int, what: str) -> None:
        summary = services.workdays_schedule_entered(year=year, actor=request.user)
        changed = sum(part["recomputed"] for app in summary.values() for part in app.values())
        tail = f";重新计算未结期限{changed}项(已记录并通知)" if changed else ""
        messages.info(request, f"{year}年放假安排{what}{tail}")


class ApiTokenForm(forms.ModelForm):
    apps = forms.MultipleChoiceField(label="可访问模块", required=False,
                                     widget=forms.CheckboxSelectMultiple,
                                     help_text="令牌只能调用所选模块的接口(/api/whoami 总可调用)")

    class Meta:
        model = ApiToken
        fields = ["user", "name", "apps", "can_write", "expires_at", "revoked"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from django.apps import apps as django_apps

        self.fields["apps"].choices = [
            (c.label, f"{c.verbose_name}({c.label})") for c in django_apps.get_app_configs()
            if c.name.startswith("apps.") and c.label != "core"]
        if "user" in self.fields:
            self.fields["user"].queryset = self.fields["user"].queryset.filter(
                is_active=True, is_staff=True)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """安全管理员 issue and revoke tokens (issue 11 §6): expiry (default 90 days), scope (apps
    and read/write), last use; a token stops working when its user is deactivated or loses
    staff status. The key is shown once."""

    form = ApiTokenForm
    list_display = ["name", "user", "prefix", "scope", "created_at", "expires_at", "last_used_at",
                    "revoked"]
    list_filter = ["revoked", "can_write"]
    readonly_fields = ["prefix", "created_at", "last_used_at", "revoked_at"]
    actions = ["revoke_tokens"]

    def get_fields(self, request, obj=None):
        fields = ["user", "name", "apps", "can_write", "expires_at", "revoked", "prefix",
                  "created_at", "last_used_at", "revoked_at"]
        return fields

    def get_readonly_fields(self, request, obj=None):
        # A token keeps its owner; a revoked token stays revoked (issue a new one).
        extra = ["user"] if obj is not None else []
        if obj is not None and obj.revoked:
            extra.append("revoked")
        return [*self.readonly_fields, *extra]

    def has_delete_permission(self, request, obj=None):
        return False  # revoked, never deleted: the record of who could call the API stays

    @admin.display(description="范围")
    def scope(self, obj):
        rights = "读写" if obj.can_write else "只读"
        return f"{'、'.join(obj.apps) or '仅 whoami'}({rights})"

    def save_model(self, request, obj, form, change):
        if obj.revoked and obj.revoked_at is None:
            obj.revoked_at = timezone.now()
        key = None if change else obj.set_new_key()
        super().save_model(request, obj, form, change)
        if key:
            messages.warning(request, f"新令牌(只显示这一次,请立即保存):{key}")

    @admin.action(description="停用所选API令牌", permissions=["change"])
    def revoke_tokens(self, request, queryset):
        count = 0
        for token in queryset.filter(revoked=False):
            token.revoked, token.revoked_at = True, timezone.now()
            token.save()
            count += 1
        self.message_user(request, f"已停用{count}个API令牌")


@admin.register(LoginLock)
class LoginLockAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Locked usernames and addresses; 安全管理员 unlock them with a reason (issue 11 §5)."""

    list_display = ["kind", "value", "failures", "lock_count", "last_failure_at", "locked_until",
                    "state"]
    list_filter = ["kind"]
    search_fields = ["value"]
    actions = ["unlock_selected"]

    @admin.display(description="状态")
    def state(self, obj):
        return "锁定中" if obj.is_locked() else "-"

    def has_unlock_permission(self, request):
        return request.user.has_perm("core.unlock_loginlock")

    @admin.action(description="解除所选锁定(须填写原因)", permissions=["unlock"])
    def unlock_selected(self, request, queryset):
        from . import authority, lockout

        reason = request.POST.get("reason", "").strip()
        if request.POST.get("confirm") and reason:
            try:
                for lock in queryset:
                    lockout.unlock(lock, actor=request.user, reason=reason)
            except authority.AuthorityError as exc:
                self.message_user(request, exc.message, messages.ERROR)
                return None
            self.message_user(request, f"已解除{queryset.count()}项锁定,原因已记入审计记录")
            return None
        if request.POST.get("confirm"):
            messages.error(request, "请填写解除锁定的原因")
        return TemplateResponse(request, "admin/core/loginlock/unlock.html", {
            **self.admin_site.each_context(request), "title": "解除登录锁定",
            "locks": list(queryset), "opts": self.model._meta,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        })


@admin.register(UserSession)
class UserSessionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["user", "started_at", "address", "second_factor", "ended_at", "end_reason"]
    list_filter = ["second_factor", "end_reason"]
    search_fields = ["user__username", "address"]
    exclude = ["session_key"]
    date_hierarchy = "started_at"


@admin.register(PasswordRecord)
class PasswordRecordAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """When each password was set (the 90-day expiry counts from the newest); hashes hidden."""

    list_display = ["user", "set_at"]
    search_fields = ["user__username"]
    fields = ["user", "set_at"]


@admin.register(AuditArchive)
class AuditArchiveAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "cutoff", "rows", "first_id", "last_id", "path", "sha256"]


@admin.register(AuditEvent)
class AuditEventAdmin(RegionScopedAdminMixin, ReadOnlyAdminMixin, ExportMixin, admin.ModelAdmin):
    list_display = ["at", "actor_name", "action", "model_name", "object_repr", "note"]
    list_filter = ["action", labels.ModelLabelFilter, "region"]
    search_fields = ["actor_name", "object_repr", "object_id", "note"]
    date_hierarchy = "at"
    readonly_fields = ["at", "actor_name", "action", "model_name", "object_id", "object_repr",
                       "change_table", "note", "region", "region_list", "change_list_link"]
    exclude = ["changes", "actor", "regions", "attachment", "model"]

    def get_queryset(self, request):
        # A county auditor sees entries of their county and bulk entries that touched it.
        from django.db.models import Q

        from . import roles

        queryset = admin.ModelAdmin.get_queryset(self, request)
        region = roles.user_region(request.user)
        if region is None:
            return queryset
        return queryset.filter(Q(region=region) | Q(regions=region)).distinct()

    def get_urls(self):
        from django.urls import path

        urls = super().get_urls()
        return [path("<int:pk>/changes.csv", self.admin_site.admin_view(self.change_list_csv),
                     name="core_auditevent_changes")] + urls

    def change_list_csv(self, request, pk):
        from django.http import Http404, HttpResponse

        if not self.has_view_permission(request):
            raise Http404
        event = self.get_queryset(request).filter(pk=pk).first()
        if event is None or not event.attachment:
            raise Http404("没有逐行变更清单")
        from .exporting import attach

        response = HttpResponse("\ufeff" + event.attachment, content_type="text/csv; charset=utf-8")
        attach(response, f"审计记录{event.pk}-逐行变更清单.csv")
        return response

    @admin.display(description="涉及区划")
    def region_list(self, obj):
        return "、".join(r.name for r in obj.regions.all()) or "-"

    @admin.display(description="逐行变更清单")
    def change_list_link(self, obj):
        from django.urls import reverse

        if not obj.attachment:
            return "-"
        url = reverse("admin:core_auditevent_changes", args=[obj.pk])
        return format_html('<a href="{}">下载(CSV,{}行)</a>', url, obj.attachment.count("\n") - 1)

    @admin.display(description="对象类型", ordering="model")
    def model_name(self, obj):
        return labels.model_label(obj.model)

    @admin.display(description="变更(原值 → 新值)")
    def change_table(self, obj):
        from django.apps import apps

        try:
            model = [apps.get_model(obj.model)]
        except (LookupError, ValueError):
            model = []
        rows = [(labels.field_label(k, model), labels.value_text(v[0], k, model),
                 labels.value_text(v[1], k, model))
                for k, v in obj.changes.items() if isinstance(v, list) and len(v) == 2]
        if not rows:
            return labels.json_table(obj.changes, model) if obj.changes else "—"
        body = format_html_join("", "<tr><td>{}</td><td>{}</td><td>{}</td></tr>", rows)
        return format_html("<table><tr><th>字段</th><th>原值</th><th>新值</th></tr>{}</table>", body)


@admin.register(Notice)
class NoticeAdmin(RegionScopedAdminMixin, ReadOnlyAdminMixin, ExportMixin, admin.ModelAdmin):
    list_display = ["created_at", "channel", "recipient", "subject", "topic_name", "status",
                    "sent_at"]
    list_filter = ["status", "channel", labels.TopicFilter]
    search_fields = ["recipient", "subject", "source"]

    @admin.display(description="业务", ordering="topic")
    def topic_name(self, obj):
        return labels.topic_label(obj.topic)

    def get_fields(self, request, obj=None):
        fields = [f for f in super().get_fields(request, obj) if f != "topic_name"]
        return ["topic_name" if f == "topic" else f for f in fields]

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "topic_name"]

    def get_queryset(self, request):
        """Need to know (issue 9 §6): besides the region scope, staff see only the notices of
        the apps their role works in (``role_access`` "change": doctors' notices for 医保,
        subsidies' for the subsidy roles …); a notice whose topic names another app is
        hidden. Auditors and superusers see all."""
        qs = super().get_queryset(request)
        user = request.user
        if _admin_or_auditor(user):
            return qs
        from django.apps import apps as django_apps
        from django.db.models import Q

        groups = set(user.groups.values_list("name", flat=True))
        hidden = [config.label for config in django_apps.get_app_configs()
                  if getattr(config, "role_access", None)
                  and not any(config.role_access.get(g) == "change" for g in groups)]
        for label in hidden:
            qs = qs.exclude(Q(topic=label) | Q(topic__startswith=f"{label}."))
        return qs


# --- second-factor devices (django-otp): listed and reset, secrets never shown -------------

from django_otp.plugins.otp_static.models import StaticDevice  # noqa: E402
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402

for _model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)


class DeviceAdmin(admin.ModelAdmin):
    """安全管理员 reset a user's second factor by deleting the device (the user enrols again at
    the next login); the deletion is audited. Keys and recovery codes are never shown."""

    list_display = ["device_user", "device_name", "device_confirmed", "device_created",
                    "device_used"]
    list_filter = [labels.ConfirmedFilter]
    list_select_related = ["user"]
    search_fields = ["user__username"]
    fields = ["device_user", "device_name", "device_confirmed", "device_created", "device_used"]
    readonly_fields = fields

    # django-otp's fields have English names (third-party, unchanged): labelled here.
    @admin.display(description="用户", ordering="user__username")
    def device_user(self, obj):
        return obj.user

    @admin.display(description="设备名称", ordering="name")
    def device_name(self, obj):
        return obj.name

    @admin.display(description="已启用", boolean=True, ordering="confirmed")
    def device_confirmed(self, obj):
        return obj.confirmed

    # display_for_value: Asia/Shanghai and "—" for none (a bare callable value would read
    # "2026-12-01 19:11:30+00:00" or "None" on the read-only page).
    @admin.display(description="创建时间", ordering="created_at")
    def device_created(self, obj):
        return display_for_value(obj.created_at, self.admin_site.empty_value_display)

    @admin.display(description="最近使用时间", ordering="last_used_at")
    def device_used(self, obj):
        return display_for_value(obj.last_used_at, self.admin_site.empty_value_display)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def _record(self, request, obj):
        from . import audit

        audit.record(AuditEvent.Action.SECURITY, actor=request.user, obj=obj.user,
                     note=f"重置第二因素:删除 {obj._meta.verbose_name}“{obj.name}”")

    def delete_model(self, request, obj):
        self._record(request, obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self._record(request, obj)
        super().delete_queryset(request, queryset)


admin.site.register(TOTPDevice, DeviceAdmin)
admin.site.register(StaticDevice, DeviceAdmin)


# --- users: 系统管理员 manage accounts, never the administrator roles or superusers ---------

from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin  # noqa: E402
from django.contrib.auth.forms import (  # noqa: E402
    ReadOnlyPasswordHashField,
    ReadOnlyPasswordHashWidget,
    UserChangeForm,
)


class PasswordStateWidget(ReadOnlyPasswordHashWidget):
    """Whether a password is set, without the hasher's algorithm, iterations, salt and hash
    fragments (``pbkdf2_sha256`` … means nothing to a 系统管理员 and discloses the scheme)."""

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        usable = bool(value) and not value.startswith("!")
        context["summary"] = [{"label": "已设置(加密保存,任何人都无法查看原密码)" if usable
                               else "未设置密码"}]
        context["button_label"] = "重置密码" if usable else "设置密码"
        return context


class QzUserChangeForm(UserChangeForm):
    password = ReadOnlyPasswordHashField(label="密码", widget=PasswordStateWidget)


class QzUserAdmin(DjangoUserAdmin):
    """三员分立 (issue 11 §5): a 系统管理员 creates and edits accounts and their business roles;
    only a superuser (installation) sets superuser status, direct permissions or the three
    administrator roles, and nobody but a superuser edits their own roles."""

    form = QzUserChangeForm

    def _protected(self, request) -> bool:
        return not request.user.is_superuser

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if self._protected(request):
            readonly += ["is_superuser", "user_permissions", "last_login", "date_joined"]
            if obj is not None and obj.pk == request.user.pk:
                readonly += ["groups", "is_staff", "is_active"]
        return readonly

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and self._protected(request):
            return False
        return super().has_change_permission(request, obj)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        from django.contrib.auth.models import Group

        from .roles import ADMIN_ROLES

        if db_field.name == "groups" and self._protected(request):
            kwargs["queryset"] = Group.objects.exclude(name__in=ADMIN_ROLES)
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if db_field.name == "user_permissions" and field is not None:
            field.label_from_instance = labels.permission_label
        return field

    def save_related(self, request, form, formsets, change):
        from .roles import ADMIN_ROLES

        kept = []
        if self._protected(request) and change:
            kept = list(form.instance.groups.filter(name__in=ADMIN_ROLES))
        super().save_related(request, form, formsets, change)
        if kept:
            form.instance.groups.add(*kept)


_User = get_user_model()
if admin.site.is_registered(_User):
    admin.site.unregister(_User)
admin.site.register(_User, QzUserAdmin)


# --- groups: permissions by model and action in Chinese (Django stores "Can add …") ---------

from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402


class QzGroupAdmin(DjangoGroupAdmin):
    """Permissions shown as 应用 | 模型 | 动作 in Chinese, in the form and read-only (审计,
    审计员 read groups without changing them)."""

    def get_fields(self, request, obj=None):
        fields = [f for f in super().get_fields(request, obj) if f != "permission_names"]
        if not self.has_change_permission(request, obj):
            fields = ["permission_names" if f == "permissions" else f for f in fields]
        return fields

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not self.has_change_permission(request, obj):
            readonly.append("permission_names")
        return readonly

    @admin.display(description="权限")
    def permission_names(self, obj):
        perms = sorted(labels.permission_label(p) for p in
                       obj.permissions.select_related("content_type"))
        return format_html_join("", "<div>{}</div>", ((p,) for p in perms)) or "—"

    def formfield_for_manytomany(self, db_field, request=None, **kwargs):
        field = super().formfield_for_manytomany(db_field, request=request, **kwargs)
        if db_field.name == "permissions" and field is not None:
            field.label_from_instance = labels.permission_label
        return field


if admin.site.is_registered(Group):
    admin.site.unregister(Group)
admin.site.register(Group, QzGroupAdmin)
