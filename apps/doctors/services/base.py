"""What every doctors write service shares: the actor it runs as (issue 9) and today."""

from __future__ import annotations

import datetime as dt
import functools

from django.utils import timezone

from apps.core import authority

from ..models import (
    Institution,
)


def local_today() -> dt.date:
    return timezone.localdate()


def acts(func):
    """Resolve ``actor`` (explicit, else the current one, else 系统) and run the service as it."""

    @functools.wraps(func)
    def wrapper(*args, actor=None, **kwargs):
        actor = authority.resolve(actor)
        with authority.acting_as(actor):
            return func(*args, actor=actor, **kwargs)

    return wrapper


def check_county(actor, institution: Institution, perm: str, what: str) -> None:
    """The actor holds ``doctors.<perm>`` and the institution is in their county (issue 9 §1)."""
    authority.check_permission(actor, f"doctors.{perm}", what)
    authority.check_region(actor, institution.region_id, f"定点医疗机构“{institution.name}”")
