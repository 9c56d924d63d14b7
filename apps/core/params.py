"""Query parameters, validated once (issue 10 §15): a bad value is a 400 with a Chinese
message naming the parameter, never a 500.

The rules live in the functions below (``text``, ``date``, ``integer``, ``choice``, ``flag``).
The typed API (issue 14 §6, ``apps.core.api``) declares its parameters with the annotated
types at the end of this module (``Text``, ``Date``, ``Integer(...)``, ``Choice(...)``,
``Flag``), which call the same functions; the error becomes ``{"error": …, "parameter": …}``
with status 400. Staff pages catch ``BadParameter`` through ``page_params`` and show the
message. Free text has no length error: a long value simply finds nothing.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Annotated, Any

from pydantic import BeforeValidator, ValidationInfo, WithJsonSchema
from pydantic_core import PydanticCustomError

from .responses import json_error

# Dates the calendar and the models can hold; outside them a date is "not a date here".
MIN_DATE = dt.date(1949, 10, 1)
MAX_DATE = dt.date(2199, 12, 31)
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")


class BadParameter(ValueError):
    """A query parameter that cannot be used; the message names it (Chinese)."""

    def __init__(self, name: str, message: str):
        self.name = name
        self.message = f"参数 {name} {message}"
        super().__init__(self.message)


def text(query: Mapping, name: str, default: str = "") -> str:
    """Free text, stripped. A NUL character (which PostgreSQL refuses in a string) becomes
    U+FFFD, so such a value simply matches nothing."""
    value = query.get(name, default)
    if value is None:
        return default
    return str(value).replace("\x00", "\ufffd").strip()


def required_text(query: Mapping, name: str) -> str:
    value = text(query, name)
    if not value:
        raise BadParameter(name, "不能为空")
    return value


def date(query: Mapping, name: str, default: dt.date | None = None) -> dt.date | None:
    """An ISO date (YYYY-MM-DD) between 1949-10-01 and 2199-12-31."""
    value = text(query, name)
    if not value:
        return default
    try:
        parsed = dt.date.fromisoformat(value)
    except ValueError:
        raise BadParameter(name, f"应为日期,格式YYYY-MM-DD(收到“{value[:20]}”)") from None
    if not MIN_DATE <= parsed <= MAX_DATE:
        raise BadParameter(name, f"超出可处理的日期范围({MIN_DATE}至{MAX_DATE})")
    return parsed


def month(value: str, name: str = "month") -> dt.date:
    """A month ``YYYY-MM`` → its first day."""
    found = _MONTH.match(str(value).strip())
    if not found:
        raise BadParameter(name, f"应为月份,格式YYYY-MM(收到“{str(value)[:20]}”)")
    year, number = int(found.group(1)), int(found.group(2))
    if not 1 <= number <= 12 or not MIN_DATE.year <= year <= MAX_DATE.year:
        raise BadParameter(name, f"不是有效的月份(收到“{value}”)")
    return dt.date(year, number, 1)


def integer(query: Mapping, name: str, default: int | None = None, *, minimum: int | None = None,
            maximum: int | None = None) -> int | None:
    """A whole number within [minimum, maximum]."""
    value = text(query, name)
    if not value:
        return default
    if not re.fullmatch(r"[+-]?\d{1,12}", value):
        raise BadParameter(name, f"应为整数(收到“{value[:20]}”)")
    number = int(value)
    if minimum is not None and number < minimum:
        raise BadParameter(name, f"不能小于{minimum}")
    if maximum is not None and number > maximum:
        raise BadParameter(name, f"不能大于{maximum}")
    return number


def choice(query: Mapping, name: str, choices: Iterable[str], default: str | None = None) -> str | None:
    """One of ``choices``; the message lists the accepted values."""
    value = text(query, name)
    if not value:
        return default
    allowed = list(choices)
    if value not in allowed:
        raise BadParameter(name, f"可选值为:{'、'.join(allowed)}")
    return value


def flag(query: Mapping, name: str) -> bool:
    return text(query, name).lower() in {"1", "true", "yes", "on"}


def page_params(view: Callable) -> Callable:
    """Staff pages: a ``BadParameter`` becomes a 400 page in the admin frame with the message."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except BadParameter as exc:
            from . import frame

            return frame.render(request, "400.html", {"title": "参数有误", "message": exc.message},
                                status=400)

    return wrapper


def safe_next(request, default: str = "/admin/") -> str:
    """The POSTed or queried ``next`` when it is a same-host relative URL, else ``default``
    (issue 11 §6); the rule itself is ``security.safe_next``, shared with the login."""
    from .security import safe_next as same_host_only

    value = request.POST.get("next") or request.GET.get("next") or ""
    return same_host_only(request, value, default)


class NulByteMiddleware:
    """A NUL character in the path or a parameter is malformed input, never a 500: PostgreSQL
    refuses it in any text (a lookup, the audit trail), so the request is answered 400 before
    any view or audit step sees it (issue 10 §15)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.http import HttpResponse

        values = [request.path]
        queries = [request.GET]
        if request.method == "POST" and not request.content_type.startswith("multipart/"):
            queries.append(request.POST)
        for query in queries:
            for key, items in query.lists():
                values.append(key)
                values.extend(items)
        if any("\x00" in value for value in values):
            message = "请求含有非法字符(NUL),请检查参数"
            if request.path.startswith("/api/"):
                return json_error(message, 400)
            return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


# --- Typed parameters for the API (issue 14 §6) -------------------------------------------
# A view declares ``as_of: params.Date = None`` and receives a ``datetime.date`` or None; the
# parsing is the function above, the message the same. ``BadParameter`` travels through
# pydantic as a ``bad_parameter`` error carrying the message; ``apps.core.api`` answers it.


def _typed(rule: Callable[[Mapping, str], Any]) -> Callable[[Any, ValidationInfo], Any]:
    def validate(value: Any, info: ValidationInfo) -> Any:
        name = info.field_name or "?"
        try:
            return rule({name: "" if value is None else value}, name)
        except BadParameter as exc:
            raise PydanticCustomError("bad_parameter", "{message}",
                                      {"message": exc.message, "parameter": exc.name}) from None

    return validate


def _required(query: Mapping, name: str) -> str:
    return required_text(query, name)


Text = Annotated[str, BeforeValidator(_typed(text)), WithJsonSchema({"type": "string"})]
"""Free text, stripped; absent or blank is the default (usually "")."""

RequiredText = Annotated[str, BeforeValidator(_typed(_required)),
                         WithJsonSchema({"type": "string", "minLength": 1})]
"""Text that must be given and not blank (``不能为空``)."""

Date = Annotated[dt.date | None, BeforeValidator(_typed(date)),
                 WithJsonSchema({"type": "string", "format": "date",
                                 "description": f"YYYY-MM-DD,{MIN_DATE}至{MAX_DATE}"})]
"""An ISO date; blank is None (the view decides the default, usually today)."""

Flag = Annotated[bool, BeforeValidator(_typed(flag)),
                 WithJsonSchema({"type": "string", "enum": ["1", "true", "yes", "on"],
                                 "description": "1/true/yes/on 为是,其他为否"})]
"""1/true/yes/on is true, anything else false (never an error)."""


def _required_date(query: Mapping, name: str) -> dt.date:
    value = date(query, name)
    if value is None:
        raise BadParameter(name, "不能为空(YYYY-MM-DD格式的日期)")
    return value


RequiredDate = Annotated[dt.date, BeforeValidator(_typed(_required_date)),
                         WithJsonSchema({"type": "string", "format": "date",
                                         "description": f"YYYY-MM-DD,{MIN_DATE}至{MAX_DATE}"})]
"""An ISO date that must be given."""


def Integer(*, minimum: int | None = None, maximum: int | None = None,  # noqa: N802
            required: bool = False) -> Any:
    """A whole number within [minimum, maximum]; blank is None, or ``不能为空`` if required
    (declare a required one without a default)."""
    schema: dict[str, Any] = {"type": "integer"}
    if minimum is not None:
        schema["minimum"] = minimum
    if maximum is not None:
        schema["maximum"] = maximum
    rule = functools.partial(_integer_rule, minimum=minimum, maximum=maximum, required=required)
    return Annotated[int if required else int | None, BeforeValidator(_typed(rule)),
                     WithJsonSchema(schema)]


def _integer_rule(query: Mapping, name: str, *, minimum: int | None, maximum: int | None,
                  required: bool):
    number = integer(query, name, minimum=minimum, maximum=maximum)
    if number is None and required:
        raise BadParameter(name, "不能为空")
    return number


def Choice(choices: Iterable[str]) -> Any:  # noqa: N802
    """One of ``choices`` (the message lists them); blank is None."""
    allowed = [str(c) for c in choices]
    rule = functools.partial(_choice_rule, choices=allowed)
    return Annotated[str | None, BeforeValidator(_typed(rule)),
                     WithJsonSchema({"type": "string", "enum": allowed})]


def _choice_rule(query: Mapping, name: str, *, choices: list[str]):
    return choice(query, name, choices)
