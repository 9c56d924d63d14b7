"""Sessions and requests to 等保 level 3 (issue 11 §5, §6; GB/T 22239-2019 8.1.4.1 身份鉴别,
8.1.4.3 安全审计).

* ``safe_next``: a ``next`` is followed only when it is a relative URL on this host.
* ``complete_login``: the one place a login through the login form ends — it ends the
  user's earlier sessions (one active session per user, recorded), records the session and
  starts its 12-hour absolute lifetime. ``force_login`` and other code paths never come
  here, so sessions opened in code are unaffected.
* ``SessionSecurityMiddleware``: the absolute lifetime, the second factor when
  ``OTP_REQUIRED``, and a forced password change once the password has expired.
* ``SuperuserAuditMiddleware``: every request made by a superuser is in the audit trail.
"""

from __future__ import annotations

import time
from importlib import import_module
from urllib.parse import quote

from django.conf import settings
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.http import HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from . import audit, lockout, passwords
from .models import AuditEvent, UserSession

# When the session was last saved (``SessionSecurityMiddleware.touch``).
TOUCHED_AT = "_qz_touched_at"
LOGIN_AT = "qz_login_at"
PASSWORD_EXPIRED = "qz_password_expired"


def safe_next(request, value: str | None, default: str = "") -> str:
    """``value`` if it is a relative URL on this host (``/admin/…``), else ``default``:
    no scheme, no host, no ``//`` or ``/\\`` (issue 11 §6)."""
    value = (value or "").strip()
    if (not value.startswith("/") or value.startswith(("//", "/\\"))
            or any(c in value for c in "\r\n\t\\")):
        return default
    if not url_has_allowed_host_and_scheme(value, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        return default
    return value


def _store():
    return import_module(settings.SESSION_ENGINE).SessionStore


def end_session(record: UserSession, reason: str, *, actor=None) -> None:
    """End a recorded session: its stored data is deleted, the record keeps how it ended."""
    if record.session_key:
        _store()(session_key=record.session_key).delete()
    UserSession.objects.filter(pk=record.pk).update(ended_at=timezone.now(), end_reason=reason[:100],
                                                    session_key="")
    audit.record(AuditEvent.Action.LOGOUT, actor=actor, model=type(record.user), obj=record.user,
                 note=f"会话结束:{reason}(登录于 {timezone.localtime(record.started_at):%Y-%m-%d %H:%M}"
                      f"{',来源 ' + record.address if record.address else ''})")


def complete_login(request, user, next_url: str, *, device=None) -> HttpResponseRedirect:
    """Log ``user`` in after every factor was checked, keep one active session, record it."""
    from django_otp import login as otp_login

    earlier = list(UserSession.objects.filter(user=user, ended_at=None).exclude(session_key=""))
    auth_login(request, user)
    if device is not None:
        otp_login(request, device)
    request.session[LOGIN_AT] = int(time.time())
    lockout.register_success(user.get_username())
    if passwords.password_expired(user):
        request.session[PASSWORD_EXPIRED] = True
    request.session.save()
    address = lockout.client_address(request)
    for record in earlier:
        if record.session_key != request.session.session_key:
            end_session(record, f"同一账号重新登录(来源 {address or '未知'}),此前会话已结束", actor=user)
    UserSession.objects.create(
        user=user, session_key=request.session.session_key, address=address,
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:200], second_factor=device is not None)
    if request.session.get(PASSWORD_EXPIRED):
        return HttpResponseRedirect(reverse("admin:password_change"))
    return HttpResponseRedirect(next_url or reverse("admin:index"))


def on_logged_out(sender, request, user, **kwargs) -> None:
    """``user_logged_out``: the session record says when and why it ended."""
    if request is None or user is None:
        return
    key = request.session.session_key
    if key:
        reason = getattr(request, "qz_end_reason", "主动登出")
        for record in UserSession.objects.filter(user=user, session_key=key, ended_at=None):
            end_session(record, reason, actor=user)


def _exempt(path: str) -> bool:
    prefixes = (f"/{settings.STATIC_URL.lstrip('/')}", "/admin/login/", "/admin/logout/",
                "/admin/jsi18n/")
    return path.startswith(prefixes)


def _refuse(request, message: str):
    if request.path.startswith("/api/"):
        return JsonResponse({"error": message}, status=401, json_dumps_params={"ensure_ascii": False})
    from django.contrib import messages

    messages.warning(request, message)
    return HttpResponseRedirect(f"{reverse('admin:login')}?next={quote(request.get_full_path())}")


class SessionSecurityMiddleware:
    """After ``AuthenticationMiddleware`` and ``OTPMiddleware``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.check(request)
        return response if response is not None else self.get_response(request)

    @staticmethod
    def touch(session, now: int) -> None:
        """The idle timeout (SESSION_COOKIE_AGE, 30 minutes) runs from the session's last
        save; saving it on every request was an UPDATE per request (issue 13 §3). It is saved
        when it is SESSION_TOUCH_SECONDS old (or changed anyway), so a session ends between
        30 minutes less SESSION_TOUCH_SECONDS and 30 minutes after its last request — never
        later than 30 minutes."""
        if session.modified or now - session.get(TOUCHED_AT, 0) >= settings.SESSION_TOUCH_SECONDS:
            session[TOUCHED_AT] = now

    def check(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        session = request.session
        now = int(time.time())
        self.touch(session, now)
        started = session.get(LOGIN_AT)
        if started is None:
            session[LOGIN_AT] = now  # a session opened in code: its 12 hours start now
        elif now - started > settings.SESSION_ABSOLUTE_SECONDS:
            hours = settings.SESSION_ABSOLUTE_SECONDS // 3600
            request.qz_end_reason = f"超过{hours}小时绝对时限"
            auth_logout(request)
            return _refuse(request, f"登录已超过{hours}小时,请重新登录")
        if (settings.OTP_REQUIRED and user.is_staff and not _exempt(request.path)
                and not getattr(user, "is_verified", lambda: False)()):
            request.qz_end_reason = "未完成第二因素验证"
            auth_logout(request)
            return _refuse(request, "请使用密码和动态验证码登录")
        if session.get(PASSWORD_EXPIRED):
            if not passwords.password_expired(user):
                del session[PASSWORD_EXPIRED]
            elif not (_exempt(request.path) or request.path.startswith("/admin/password_change/")):
                from django.contrib import messages

                messages.warning(request, f"密码已超过{settings.PASSWORD_MAX_AGE_DAYS}天未更换,请先修改密码")
                return HttpResponseRedirect(reverse("admin:password_change"))
        return None


class SuperuserAuditMiddleware:
    """三员分立: the superuser is for installation only; whatever it does is recorded
    (method, path without the query string, status)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated and user.is_superuser
                and not request.path.startswith(f"/{settings.STATIC_URL.lstrip('/')}")):
            from django.contrib.auth import get_user_model

            audit.record(AuditEvent.Action.SUPERUSER, actor=user, model=get_user_model(),
                         object_repr=user.get_username(),
                         note=f"{request.method} {request.path[:300]} → {response.status_code}")
        return response


class UploadLimitMiddleware:
    """A request body larger than the import limit is refused before it is read (issue 11 §3):
    413 with a Chinese message, so an oversized file never ties up a worker."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.http import HttpResponse

        from .tabular import MAX_BYTES

        limit = int(getattr(settings, "IMPORT_MAX_BYTES", MAX_BYTES)) + 1024 * 1024  # form fields
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > limit:
            return HttpResponse(f"上传内容超过{limit // 1024 // 1024}MB的上限,请分批导入",
                                status=413, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
