"""The admin login in steps (issue 11 §5; GB/T 22239-2019 8.1.4.1 d: 两种或两种以上组合的
鉴别技术).

1. ``/admin/login/``: today's form (``username``, ``password``, ``next``). With
   ``OTP_REQUIRED`` off a correct password logs in, as before. With it on, a staff user is
   not logged in yet: the password step is remembered for ``OTP_PENDING_MINUTES`` and
2. ``/admin/login/otp/`` asks for the TOTP code (or a recovery code), or, for a user without
   a confirmed device,
3. ``/admin/login/enrol/`` shows a QR code (SVG drawn here, no external call, no script),
   confirms the device with a first code and shows the recovery codes once.

A locked username or address gets the Chinese lockout page (HTTP 429). Each login ends in
``security.complete_login`` (one session per user).
"""

from __future__ import annotations

import base64
import time
from types import MethodType

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import REDIRECT_FIELD_NAME, get_user_model
from django.contrib.auth.views import LoginView
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone, translation
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters

from . import audit, lockout, security
from .models import AuditEvent

PENDING = "qz_pending_login"


def otp_required_for(user) -> bool:
    return bool(settings.OTP_REQUIRED and user.is_staff)


def lockout_response(request, lock):
    """The Chinese lockout page, 429."""
    until = timezone.localtime(lock.locked_until) if lock.locked_until else None
    return render(request, "registration/locked.html", {
        "title": "账号或来源地址已锁定", "site_header": admin.site.site_header,
        "site_title": admin.site.site_title, "lock": lock, "until": until,
        "minutes": max(1, int((lock.locked_until - timezone.now()).total_seconds() // 60) + 1)
        if lock.locked_until else None,
    }, status=429)


class QzLoginView(LoginView):
    """Django's admin login with the strict ``next``, the lockout page and the OTP step."""

    def get_redirect_url(self):
        value = self.request.POST.get(REDIRECT_FIELD_NAME, self.request.GET.get(REDIRECT_FIELD_NAME))
        return security.safe_next(self.request, value, default="")

    def get_default_redirect_url(self):
        return reverse("admin:index")

    def form_invalid(self, form):
        lock = getattr(self.request, "qz_lockout", None)
        if lock is not None:
            return lockout_response(self.request, lock)
        return super().form_invalid(form)

    def form_valid(self, form):
        from django_otp import user_has_device

        user = form.get_user()
        next_url = self.get_success_url()
        if not otp_required_for(user):
            return security.complete_login(self.request, user, next_url)
        self.request.session[PENDING] = {"uid": user.pk, "backend": user.backend,
                                         "at": int(time.time()), "next": next_url}
        step = "admin:otp_verify" if user_has_device(user) else "admin:otp_enrol"
        return HttpResponseRedirect(reverse(step))


def _pending_user(request):
    pending = request.session.get(PENDING)
    if not pending or time.time() - pending.get("at", 0) > settings.OTP_PENDING_MINUTES * 60:
        request.session.pop(PENDING, None)
        return None, None
    user = get_user_model().objects.filter(pk=pending["uid"], is_active=True, is_staff=True).first()
    if user is None:
        return None, None
    user.backend = pending["backend"]
    return user, pending


def _restart(request):
    from django.contrib import messages

    messages.warning(request, "登录步骤已过期,请重新输入用户名和密码")
    return HttpResponseRedirect(reverse("admin:login"))


def _context(request, **extra):
    return {**admin.site.each_context(request), **extra}


@sensitive_post_parameters()
@csrf_protect
@never_cache
def otp_verify(request):
    """Step 2: the 6-digit code from the authenticator app, or one recovery code."""
    from django_otp import match_token

    user, pending = _pending_user(request)
    if user is None:
        return _restart(request)
    error = ""
    if request.method == "POST":
        address = lockout.client_address(request)
        lock = lockout.active_lock(user.get_username(), address)
        if lock is not None:
            return lockout_response(request, lock)
        token = "".join(request.POST.get("otp_token", "").split())[:16]
        device = match_token(user, token) if token else None
        if device is not None:
            request.session.pop(PENDING, None)
            return security.complete_login(request, user, pending.get("next", ""), device=device)
        audit.record(AuditEvent.Action.LOGIN_FAIL, actor=None, model=get_user_model(), obj=user,
                     note=f"动态验证码错误(用户名 {user.get_username()}) {address}".strip())
        new = lockout.register_failure(user.get_username(), address, user=user)
        if new:
            request.session.pop(PENDING, None)
            return lockout_response(request, new[0])
        error = "动态验证码不正确或已使用,请重新输入"
    return render(request, "registration/otp_verify.html", _context(
        request, title="动态验证码", username=user.get_username(), error=error))


def _qr_svg(url: str) -> str:
    import segno

    return segno.make(url, error="m").svg_inline(scale=5, border=2, dark="#000", light="#fff")


@sensitive_post_parameters()
@csrf_protect
@never_cache
def otp_enrol(request):
    """Step 2 for a staff user without a device: scan the QR code, confirm with a first code;
    the recovery codes are shown once."""
    from django_otp import user_has_device
    from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user, pending = _pending_user(request)
    if user is None:
        return _restart(request)
    if user_has_device(user):
        return HttpResponseRedirect(reverse("admin:otp_verify"))
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="身份验证器", confirmed=False)
    error = ""
    if request.method == "POST":
        token = "".join(request.POST.get("otp_token", "").split())[:16]
        if token and device.verify_token(token):
            device.confirmed = True
            device.save()
            static, _ = StaticDevice.objects.get_or_create(user=user, name="恢复码")
            static.token_set.all().delete()
            codes = [StaticToken.random_token() for _ in range(settings.OTP_RECOVERY_CODES)]
            StaticToken.objects.bulk_create(StaticToken(device=static, token=c) for c in codes)
            static.confirmed = True
            static.save()
            audit.record(AuditEvent.Action.SECURITY, actor=user, obj=user,
                         note=f"绑定动态验证码(TOTP)并生成{len(codes)}个恢复码")
            request.session.pop(PENDING, None)
            response = security.complete_login(request, user, pending.get("next", ""), device=device)
            return render(request, "registration/otp_recovery.html", _context(
                request, title="恢复码", codes=codes, next_url=response["Location"]))
        error = "验证码不正确,请按手机上当前显示的6位数字重新输入"
    return render(request, "registration/otp_enrol.html", _context(
        request, title="绑定动态验证码", username=user.get_username(), error=error,
        qr_svg=_qr_svg(device.config_url),
        secret=base64.b32encode(device.bin_key).decode().rstrip("=")))


class QzAdminSite(admin.AdminSite):
    """The admin with the login steps above."""

    site_header = "衢州市人民政府 业务管理后台"
    site_title = "衢州市人民政府业务管理后台"
    index_title = "业务管理"
    # An empty cell is a dash, never "None" or "-None" (issue 12 §5).
    empty_value_display = "—"

    def register(self, model_or_iterable, admin_class=None, **options):
        """Every admin list pages with estimated counts on large tables, estimates its filter
        facet counts there and runs no second, unfiltered count (issue 13 §1); an admin class
        that sets its own paginator keeps it."""
        super().register(model_or_iterable, admin_class, **options)
        from django.contrib.admin import ModelAdmin
        from django.core.paginator import Paginator

        from .paging import EstimatedChangeList, EstimatedCountPaginator, action_checkbox

        models = [model_or_iterable] if isinstance(model_or_iterable, type) else model_or_iterable
        for model in models:
            model_admin = self._registry[model]
            if model_admin.paginator is Paginator:
                model_admin.paginator = EstimatedCountPaginator
            model_admin.show_full_result_count = False
            # Facet counts estimated on large lists too (an admin's own changelist class
            # derives from EstimatedChangeList).
            if type(model_admin).get_changelist is ModelAdmin.get_changelist:
                model_admin.get_changelist = lambda request, **kwargs: EstimatedChangeList
            # Each row's checkbox formatted, not rendered through a widget template.
            if type(model_admin).action_checkbox is ModelAdmin.action_checkbox:
                model_admin.action_checkbox = MethodType(action_checkbox, model_admin)

    def get_urls(self):
        return [
            path("login/otp/", otp_verify, name="otp_verify"),
            path("login/enrol/", otp_enrol, name="otp_enrol"),
            *super().get_urls(),
        ]

    # (permissions, groups, region, …) → the app list those give (``get_app_list``).
    _app_lists: dict = {}
    APP_LIST_MEMO = 512

    def _app_list_key(self, request, app_label):
        """Everything the app list depends on besides the code: the user's permissions (the
        ModelAdmins' ``has_*_permission`` read them), groups (the auditor/admin checks), the
        county (city-level write permissions, county read-only screens), flags and language."""
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        groups = getattr(user, "_qz_group_names", None)
        if groups is None:
            groups = user._qz_group_names = tuple(sorted(user.groups.values_list("name", flat=True)))
        profile = getattr(user, "staff_profile", None)
        return (user.is_superuser, user.is_active, user.is_staff, groups,
                getattr(profile, "region_id", None), frozenset(user.get_all_permissions()),
                app_label, translation.get_language())

    def get_app_list(self, request, app_label=None):
        """The sidebar's and index's app list, built once per permission set and county, not on
        every page: ≈ 170 models × their permission checks and URLs were ≈ 8 ms of each admin
        page (issue 13 §3). Each caller gets its own copy of the dicts."""
        key = self._app_list_key(request, app_label)
        if key is None:
            return super().get_app_list(request, app_label)
        apps = self._app_lists.get(key)
        if apps is None:
            if len(self._app_lists) >= self.APP_LIST_MEMO:
                self._app_lists.clear()
            apps = self._app_lists[key] = super().get_app_list(request, app_label)
        return [{**app, "models": [dict(model) for model in app["models"]]} for app in apps]

    def each_context(self, request):
        """The admin context plus ``staff_pages``: the staff pages this user may open, listed
        in the sidebar and on the index (issue 12 §1, ``apps.core.frame``)."""
        from . import frame

        context = super().each_context(request)
        context["staff_pages"] = frame.pages_for(getattr(request, "user", None))
        return context

    def autocomplete_view(self, request):
        """Autocomplete by GET, or by POST for a full resident ID (issue 12 §6)."""
        from .admin_tools import IdSafeAutocompleteView

        return IdSafeAutocompleteView.as_view(admin_site=self)(request)

    @method_decorator(sensitive_post_parameters())
    @method_decorator(csrf_protect)
    @method_decorator(never_cache)
    def login(self, request, extra_context=None):
        if request.method == "GET" and self.has_permission(request):
            return HttpResponseRedirect(reverse("admin:index", current_app=self.name))
        context = {
            **self.each_context(request), "title": "登录", "subtitle": None,
            "app_path": request.get_full_path(), "username": request.user.get_username(),
        }
        if REDIRECT_FIELD_NAME not in request.GET and REDIRECT_FIELD_NAME not in request.POST:
            context[REDIRECT_FIELD_NAME] = reverse("admin:index", current_app=self.name)
        context.update(extra_context or {})
        request.current_app = self.name
        return QzLoginView.as_view(extra_context=context, authentication_form=AdminAuthenticationForm,
                                   template_name="admin/login.html")(request)
