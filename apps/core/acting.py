"""``city_service``: the common shape of a write service on a city-wide record (issue 9 §1).

A city-wide service takes an optional ``actor`` (``None`` = the current actor, 系统 outside
a request or command), refuses county-level users before writing (``check_city_level``)
and runs its body inside ``acting_as(actor)`` so the model guard and the audit trail see
the same actor. Existing call signatures keep working: ``actor`` is keyword-only and
optional.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TypeVar

from . import authority

F = TypeVar("F", bound=Callable)


def city_service(what: str) -> Callable[[F], F]:
    """Decorate a service writing city-wide records named ``what`` (Chinese, for messages)."""

    def decorate(fn: F) -> F:
        @functools.wraps(fn)
        def wrapper(*args, actor=None, **kwargs):
            actor = authority.resolve(actor)
            authority.check_city_level(actor, what)
            with authority.acting_as(actor):
                return fn(*args, actor=actor, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorate
