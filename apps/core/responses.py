"""JSON error responses shared by the API (``apps.core.api``) and the request guards in
``apps.core.params`` (issue 14 §6: errors stay ``{"error": …}`` with their status; kept in a
module of its own so neither imports the other)."""

from __future__ import annotations

from typing import Any

from django.http import JsonResponse


def json_error(message: str, status: int, **extra: Any) -> JsonResponse:
    """``{"error": message, …}`` with ``status``, Chinese kept as is (not \\u-escaped)."""
    return JsonResponse({"error": message, **extra}, status=status,
                        json_dumps_params={"ensure_ascii": False})
