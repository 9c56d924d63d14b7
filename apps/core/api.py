"""JSON API plumbing: session or ``Authorization: Token <key>``; errors are JSON, never a
login page.

Tokens (issue 11 §6): refused once expired or revoked, or when their user is inactive or no
longer staff; limited to the apps in their scope (``core`` — ``/api/whoami`` — always) and
to reading unless ``can_write``; each use sets ``last_used_at``."""

from __future__ import annotations

import functools
from typing import Any

from django.http import Http404, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from . import authority, params
from .models import ApiToken


class ApiError(Exception):
    """Raise in an API view to answer ``{"error": message}`` with ``status``."""

    def __init__(self, message: str, status: int = 400, **extra: Any):
        super().__init__(message)
        self.message = message
        self.status = status
        self.extra = extra


def json_error(message: str, status: int, **extra: Any) -> JsonResponse:
    return JsonResponse({"error": message, **extra}, status=status,
                        json_dumps_params={"ensure_ascii": False})


READ_METHODS = ("GET", "HEAD", "OPTIONS")


def valid_token(request) -> ApiToken | None | bool:
    """The request's token (None without one, False when it is unknown or unusable)."""
    header = request.headers.get("Authorization", "")
    if not header.startswith("Token "):
        return None
    key = header[len("Token "):].strip()
    now = timezone.now()
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=ApiToken.hash_key(key), revoked=False, expires_at__gt=now,
                user__is_active=True, user__is_staff=True)
        .first()
    )
    if token is None:
        from . import audit
        from .models import AuditEvent

        audit.record(AuditEvent.Action.LOGIN_FAIL, actor=None, model=ApiToken,
                     object_repr=f"API令牌 {key[:4]}…"[:200],
                     note=f"API令牌无效或已停用 {request.META.get('REMOTE_ADDR', '')}".strip())
        return False
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


def token_user(request):
    token = valid_token(request)
    return token.user if isinstance(token, ApiToken) else token


def _app_of(view) -> str:
    parts = view.__module__.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "apps" else parts[0]


def token_scope_error(token: ApiToken, view, method: str) -> str | None:
    app = _app_of(view)
    if app != "core" and app not in (token.apps or []):
        return f"该API令牌的范围不包括“{app}”模块"
    if method not in READ_METHODS and not token.can_write:
        return "该API令牌只能读取,不能写入"
    return None


def api_view(*, permission: str | None = None, methods: tuple[str, ...] = ("GET",)):
    """Authenticate (session or token), check ``permission``, map ``ApiError`` to JSON."""

    def decorator(view):
        @csrf_exempt
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            token = valid_token(request)
            if token is False:
                return json_error("API令牌无效、已过期或已停用", 401)
            user = token.user if token is not None else None
            if token is not None:
                scope_error = token_scope_error(token, view, request.method)
                if scope_error:
                    return json_error(scope_error, 403)
            if user is None:
                user = request.user if request.user.is_authenticated else None
                if user is not None and request.method not in ("GET", "HEAD", "OPTIONS"):
                    from django.middleware.csrf import CsrfViewMiddleware

                    reason = CsrfViewMiddleware(lambda r: None).process_view(request, None, (), {})
                    if reason is not None:
                        return json_error("CSRF校验失败", 403)
            if user is None:
                return json_error("需要登录或提供API令牌(Authorization: Token <key>)", 401)
            request.user = user
            request.api_token = token  # the token's app scope also limits answers (worklist)
            if request.method not in methods:
                return json_error(f"不支持的请求方法 {request.method}", 405)
            if permission and not user.has_perm(permission):
                return json_error("无权访问该接口", 403)
            try:
                with authority.acting_as(user):
                    result = view(request, *args, **kwargs)
            except ApiError as exc:
                return json_error(exc.message, exc.status, **exc.extra)
            except authority.AuthorityError as exc:
                return json_error(exc.message, 403)
            except params.BadParameter as exc:
                return json_error(exc.message, 400, parameter=exc.name)
            except Http404 as exc:
                return json_error(str(exc) or "记录不存在", 404)
            if isinstance(result, (dict, list)):
                return JsonResponse(result, safe=False, json_dumps_params={"ensure_ascii": False})
            return result

        return wrapper

    return decorator
