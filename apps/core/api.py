"""JSON API plumbing: session or ``Authorization: Token <key>``; errors are JSON, never a
login page."""

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


def token_user(request):
    header = request.headers.get("Authorization", "")
    if not header.startswith("Token "):
        return None
    key = header[len("Token "):].strip()
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=ApiToken.hash_key(key), revoked=False, user__is_active=True)
        .first()
    )
    if token is None:
        from . import audit
        from .models import AuditEvent

        audit.record(AuditEvent.Action.LOGIN_FAIL, actor=None, model=ApiToken,
                     object_repr=f"API令牌 {key[:4]}…"[:200],
                     note=f"API令牌无效或已停用 {request.META.get('REMOTE_ADDR', '')}".strip())
        return False
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token.user


def api_view(*, permission: str | None = None, methods: tuple[str, ...] = ("GET",)):
    """Authenticate (session or token), check ``permission``, map ``ApiError`` to JSON."""

    def decorator(view):
        @csrf_exempt
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            user = token_user(request)
            if user is False:
                return json_error("API令牌无效或已停用", 401)
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
