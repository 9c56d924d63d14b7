"""JSON API plumbing: session or ``Authorization: Token <key>``; errors are JSON, never a
login page.

Tokens (issue 11 §6): refused once expired or revoked, or when their user is inactive or no
longer staff; limited to the apps in their scope (``core`` — ``/api/whoami`` — always) and
to reading unless ``can_write``; each use sets ``last_used_at``.

The API is django-ninja (issue 14 §6): each app's ``api.py`` has ``router = ApiRouter("app")``
and its endpoints ``@router.get("path", permission="app.view_x")`` with typed parameters
(``apps.core.params``); ``qzgov/api.py`` mounts the routers and serves ``/api/openapi.json``
and ``/api/docs``. The gate (token or session, scope, read-only tokens, CSRF, permission) is
``identify`` + ``check_permission`` below, shared with the older ``api_view`` decorator, which
stays for endpoints not converted yet (README: “Adding an API endpoint”)."""

from __future__ import annotations

import functools
from typing import Annotated, Any

from django.http import Http404, HttpResponseNotAllowed, JsonResponse
from django.urls import get_script_prefix
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI, Router, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.openapi.docs import DocsBase
from ninja.renderers import JSONRenderer
from ninja.security.base import AuthBase
from pydantic import Field

from . import authority, params
from .models import ApiToken
from .responses import json_error  # noqa: F401  (also api.json_error for callers)


class ApiError(Exception):
    """Raise in an API view to answer ``{"error": message}`` with ``status``."""

    def __init__(self, message: str, status: int = 400, **extra: Any):
        super().__init__(message)
        self.message = message
        self.status = status
        self.extra = extra


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
    """Why ``token`` may not call ``view`` (a function, or an app label) with ``method``."""
    app = view if isinstance(view, str) else _app_of(view)
    if app != "core" and app not in (token.apps or []):
        return f"该API令牌的范围不包括“{app}”模块"
    if method not in READ_METHODS and not token.can_write:
        return "该API令牌只能读取,不能写入"
    return None


def identify(request, app: str) -> Any:
    """The caller: the token's user, or the session's; ``ApiError`` 401/403 otherwise (an
    unknown token, a token outside ``app`` or read-only for a write, a session write without
    CSRF). Sets ``request.user`` and ``request.api_token`` (the scope also limits answers)."""
    token = valid_token(request)
    if token is False:
        raise ApiError("API令牌无效、已过期或已停用", 401)
    user = token.user if token is not None else None
    if token is not None:
        scope_error = token_scope_error(token, app, request.method)
        if scope_error:
            raise ApiError(scope_error, 403)
    if user is None:
        user = request.user if request.user.is_authenticated else None
        if user is not None and request.method not in READ_METHODS:
            from django.middleware.csrf import CsrfViewMiddleware

            reason = CsrfViewMiddleware(lambda r: None).process_view(request, None, (), {})
            if reason is not None:
                raise ApiError("CSRF校验失败", 403)
    if user is None:
        raise ApiError("需要登录或提供API令牌(Authorization: Token <key>)", 401)
    request.user = user
    request.api_token = token
    return user


def check_permission(user, permission: str | None) -> None:
    if permission and not user.has_perm(permission):
        raise ApiError("无权访问该接口", 403)


def api_view(*, permission: str | None = None, methods: tuple[str, ...] = ("GET",)):
    """The older style (before issue 14 §6), kept for endpoints not yet on ``ApiRouter``:
    authenticate (session or token), check ``permission``, map ``ApiError`` to JSON. Such an
    endpoint is missing from ``/api/openapi.json`` (tests/core/test_openapi.py fails on it)."""

    def decorator(view):
        app = _app_of(view)

        @csrf_exempt
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            try:
                user = identify(request, app)
                if request.method not in methods:
                    return json_error(f"不支持的请求方法 {request.method}", 405)
                check_permission(user, permission)
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


# --- django-ninja (issue 14 §6) -------------------------------------------------------------


class Error(Schema):
    """Every error under /api/: a Chinese message; ``parameter`` names a bad parameter."""

    error: str
    parameter: str | None = None


ERRORS = {400: Error, 401: Error, 403: Error, 404: Error}

Money = Annotated[str, Field(description="金额(元),十进制字符串,如 \"1234.50\"",
                             json_schema_extra={"format": "decimal"})]
"""Money in an answer: always a JSON string (never a float)."""


class _Gate(AuthBase):
    """One way in, for one app and permission: ``None`` when the request does not use it (the
    next way is tried; none → 401), else the user from ``identify`` + ``check_permission``."""

    openapi_type = "apiKey"

    def __init__(self, app: str, permission: str | None = None):
        self.app, self.permission = app, permission
        super().__init__()

    def used_by(self, request) -> bool:
        raise NotImplementedError

    def __call__(self, request):
        if not self.used_by(request):
            return None
        user = identify(request, self.app)
        check_permission(user, self.permission)
        return user


class TokenAuth(_Gate):
    """``Authorization: Token <key>`` (an ``ApiToken``; issue 11 §6)."""

    openapi_in = "header"
    openapi_name = "Authorization"
    openapi_description = "Token <key>:由安全管理员签发的API令牌(限定模块,默认只读)"

    def used_by(self, request) -> bool:
        return request.headers.get("Authorization", "").startswith("Token ")


class SessionAuth(_Gate):
    """A logged-in staff session (the admin's cookie; writes need the CSRF token)."""

    openapi_in = "cookie"
    openapi_name = "sessionid"
    openapi_description = "已登录的工作人员会话(写操作需 X-CSRFToken)"

    def used_by(self, request) -> bool:
        user = getattr(request, "user", None)
        return bool(user is not None and user.is_authenticated)


def gate(app: str, permission: str | None = None) -> list[AuthBase]:
    """The auth of one endpoint: a token of ``app``'s scope or a session, with ``permission``."""
    return [TokenAuth(app, permission), SessionAuth(app, permission)]


class ApiRouter(Router):
    """One app's endpoints. ``@router.get(path, permission=...)`` declares the gate; the
    error answers (400/401/403/404 ``{"error": …}``) are added to every endpoint's schema."""

    def __init__(self, app: str, *, tags: list[str] | None = None):
        super().__init__(tags=tags or [app])
        self.app = app

    def api_operation(self, methods, path, *, permission: str | None = None,  # type: ignore[override]
                      response: Any = Any, **kwargs):
        kwargs.setdefault("auth", gate(self.app, permission))
        responses = dict(response) if isinstance(response, dict) else {200: response}
        for status, schema in ERRORS.items():
            responses.setdefault(status, schema)
        if permission:
            extra = kwargs.setdefault("openapi_extra", {})
            extra.setdefault("x-permission", permission)
        register = super().api_operation

        def decorator(view):
            # The docs list each endpoint by the first line of its docstring.
            if not kwargs.get("summary"):
                lines = (view.__doc__ or "").strip().splitlines()
                kwargs["summary"] = lines[0] if lines else None
            return register(methods, path, response=responses, **kwargs)(view)

        return decorator

    def get(self, path: str, **kwargs):  # type: ignore[override]
        return self.api_operation(["GET"], path, **kwargs)

    def post(self, path: str, **kwargs):  # type: ignore[override]
        return self.api_operation(["POST"], path, **kwargs)


class _Renderer(JSONRenderer):
    json_dumps_params = {"ensure_ascii": False}


class Docs(DocsBase):
    """``/api/docs``: Swagger UI from static files (no CDN), started by
    ``static/qzgov-api-docs.js`` (no inline script, CSP ``script-src 'self'``)."""

    def render_page(self, request, api, **kwargs):
        from django.shortcuts import render

        return render(request, "api/docs.html", {"api": api, "openapi_url": api.root_path() + "openapi.json"})


def _acting(view):
    """Run the endpoint as its caller (authority checks, audit)."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        with authority.acting_as(request.user):
            return view(request, *args, **kwargs)

    return wrapper


def _staff_only(view):
    """Schema and docs: any staff session or valid token (the API's own gate, scope core)."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            identify(request, "core")
        except ApiError as exc:
            return json_error(exc.message, exc.status)
        return view(request, *args, **kwargs)

    return wrapper


def _json_405(view):
    """A method the path does not take: 405 as JSON (with ``Allow``), like every error here."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if isinstance(response, HttpResponseNotAllowed):
            answer = json_error(f"不支持的请求方法 {request.method}", 405)
            answer["Allow"] = response["Allow"]
            return answer
        return response

    return csrf_exempt(wrapper)


class QzAPI(NinjaAPI):
    """The project's NinjaAPI: JSON errors in the project's shape (never ``detail``/422),
    schema and docs behind the staff gate, no root page, URL names without a namespace."""

    def __init__(self, *, root: str = "api/", **kwargs):
        kwargs.setdefault("renderer", _Renderer())
        kwargs.setdefault("docs", Docs())
        kwargs.setdefault("docs_decorator", _staff_only)
        super().__init__(**kwargs)
        self.root = root
        self.add_decorator(_acting, mode="operation")
        self.add_exception_handler(ApiError, _on_api_error)
        self.add_exception_handler(params.BadParameter, _on_bad_parameter)
        self.add_exception_handler(authority.AuthorityError, _on_authority_error)
        self.add_exception_handler(Http404, _on_not_found)
        self.add_exception_handler(ValidationError, _on_validation_error)
        self.add_exception_handler(AuthenticationError, _on_unauthenticated)
        self.add_exception_handler(HttpError, _on_http_error)
        self.add_exception_handler(Exception, _on_exception)

    def root_path(self) -> str:
        return get_script_prefix() + self.root

    def get_root_path(self, path_params) -> str:
        return self.root_path()

    def url_patterns(self) -> list:
        """The endpoints, ``openapi.json`` and ``docs``; include under ``root``."""
        from django.urls import path

        patterns = []
        for pattern in self._get_urls():
            if pattern.name == "api-root":
                continue
            # ninja turns ``{uuid:x}`` into its ``uuidstr`` converter; Django's own ``uuid``
            # keeps the route (and what it matches) as before.
            route = str(pattern.pattern).replace("<uuidstr:", "<uuid:")
            patterns.append(path(route, _json_405(pattern.callback), name=pattern.name))
        return patterns


def _on_api_error(request, exc: ApiError):
    return json_error(exc.message, exc.status, **exc.extra)


def _on_bad_parameter(request, exc: params.BadParameter):
    return json_error(exc.message, 400, parameter=exc.name)


def _on_authority_error(request, exc):
    return json_error(exc.message, 403)


def _on_not_found(request, exc):
    return json_error(str(exc) or "记录不存在", 404)


def _on_unauthenticated(request, exc):
    return json_error("需要登录或提供API令牌(Authorization: Token <key>)", 401)


def _on_http_error(request, exc: HttpError):
    return json_error(str(exc), exc.status_code)


def _on_exception(request, exc):
    raise exc  # a server error stays one (logged, 500)


_MISSING = {"missing": "不能为空"}


def _on_validation_error(request, exc: ValidationError):
    """The first bad parameter, named, in the ``params`` wording (never a 422)."""
    first = exc.errors[0] if exc.errors else {}
    loc = [str(part) for part in first.get("loc", ())]
    name = loc[-1] if len(loc) > 1 else (loc[0] if loc else "?")
    ctx = first.get("ctx") or {}
    if ctx.get("message"):
        return json_error(ctx["message"], 400, parameter=ctx.get("parameter", name))
    message = _MISSING.get(first.get("type", ""), "格式不正确")
    return json_error(f"参数 {name} {message}", 400, parameter=name)
