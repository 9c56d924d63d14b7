"""Small generic factories for the query-count test (issue 12 §7): rows of any registered
model, valid for its database constraints, with every foreign key filled (nullable ones
too, so a missing ``select_related`` shows), written with ``bulk_create`` (no services,
no signals: the rows only have to be displayable).

``make(model, count, **fixed)`` creates ``count`` rows; ``fixed`` pins fields (a parent).
Parents are shared by all rows of a model, except where the model allows one row per
parent (one-to-one fields and ``FRESH``), which get a parent each.
"""

from __future__ import annotations

import datetime as dt
import itertools
import uuid
from decimal import Decimal

from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.db import models
from django.utils import timezone

from apps.core import resident_id
from apps.core.fields import ResidentIdDigestField, ResidentIdField

BASE = dt.date(2020, 1, 1)
_serial = itertools.count(1)

# (model label, field): a parent per row (a unique constraint on that field alone).
FRESH = {
    ("doctors.Appeal", "deduction"),
    ("doctors.RestoreApplication", "consequence"),
    ("subsidies.UniversityLine", "university"),
    ("regulations.CampaignItem", "document"),
    ("regulations.DocumentLink", "target"), ("regulations.DocumentLink", "source"),
    ("regulations.StatusEvent", "document"),
    ("personnel.DutyOffice", "office"),
    ("subsidies.RunRate", "region"),
    ("land.LandPrice", "zone"),  # unique with one of only two land classes
}
# (model label, field): left empty (a constraint ties it to other values, or a self link).
EMPTY = {
    ("regulations.StatusEvent", "campaign"), ("regulations.StatusEvent", "repealed_by"),
    ("regulations.StatusEvent", "deadline"),
    ("regulations.CleanupCampaign", "date"),
    ("regulations.NormativeDocument", "number"), ("regulations.NormativeDocument", "number_year"),
    ("regulations.NormativeDocument", "number_serial"),
    ("personnel.AppointmentItem", "probation_months"), ("personnel.AppointmentItem", "probation_until"),
    ("subsidies.SubsidyRun", "rate"),
    ("doctors.Consequence", "months"), ("doctors.Consequence", "ban_years"),
    ("doctors.Appeal", "decided_on"),
    ("awards.Recipient", "person"),
    ("tourism.SpotSettlement", "supersedes"),  # a self link
    ("tourism.SettlementStatement", "supersedes"),  # a self link
    ("tourism.SpotClosureVoid", "replacement"),  # optional: the voided closure suffices
}
# Values a constraint or the domain needs (n: the row's serial number).
def _run_total(n: int) -> dict:
    """A run's totals are one row per region × department × category: 49 distinct ones."""
    from apps.subsidies.models import Category, Department

    departments, categories = list(Department.values), list(Category.values)
    per_region = len(departments) * len(categories)
    return {"department": departments[n % len(departments)],
            "category": categories[(n // len(departments)) % len(categories)],
            "region": _nth_region(n // per_region)}


def _nth_region(index: int):
    from apps.core.models import Region

    regions = list(Region.objects.order_by("pk")[:index + 1])
    return regions[index] if len(regions) > index else make(Region)[0]


OVERRIDES = {
    "subsidies.RunTotal": _run_total,
    "regulations.StatusEvent": lambda n: {"status": "in_force", "cause": "manual",
                                          "effective_date": BASE},
    "doctors.ViolationItem": lambda n: {"points": 1},
    "doctors.AgreementEvent": lambda n: {"kind": "notice_to_end"},
    "doctors.Agreement": lambda n: {"start": BASE + dt.timedelta(days=n),
                                    "end": BASE + dt.timedelta(days=n + 365)},
    "doctors.PointDeduction": lambda n: {"points": 2},
    "subsidies.RollLine": lambda n: {"sequence": 0},
    # Unique dates before every real one: BASE + n met the 2020 policy's 2020-02-13 (migration
    # 0002) once the serial reached 43, so the test failed or passed by the order it ran in.
    "subsidies.PolicyVersion": lambda n: {"effective_from": dt.date(1990, 1, 1) + dt.timedelta(days=n)},
    # 二: only 资金/物资 carry an amount (pairings_activity_amount_for_aid_only).
    "pairings.PairingActivity": lambda n: {"kind": "专题研究"},
    "auth.User": lambda n: {"password": make_password(None), "is_staff": True},
}


def _label(model) -> str:
    return model._meta.label


def _month(n: int) -> dt.date:
    return dt.date(2000 + n // 12, n % 12 + 1, 1)


def _value(model, field, n: int):
    name = field.name
    if isinstance(field, ResidentIdField):
        return resident_id.compose("330802", dt.date(1950, 1, 1) + dt.timedelta(days=n), n % 1000)
    if field.choices:
        return field.choices[0][0]
    if isinstance(field, models.UUIDField):
        return uuid.uuid4()
    if isinstance(field, models.EmailField):
        return f"u{n}@example.cn"
    if isinstance(field, models.GenericIPAddressField):
        return "127.0.0.1"
    if isinstance(field, models.JSONField):
        return {}
    if isinstance(field, models.BooleanField):
        return False
    if isinstance(field, models.DecimalField):
        return Decimal("0.5")
    if isinstance(field, models.DateTimeField):
        return timezone.now()
    if isinstance(field, models.DateField):
        return _month(n) if "month" in name else BASE + dt.timedelta(days=n)
    if isinstance(field, models.IntegerField):
        return 2000 + n if "year" in name else n
    if isinstance(field, (models.CharField, models.TextField)):
        text = f"{name}{n}"
        limit = field.max_length or 200
        return text[-limit:] if len(text) > limit else text
    raise NotImplementedError(f"{_label(model)}.{name}: {type(field).__name__}")


def _parent(model, field, shared: dict):
    related = field.related_model
    fresh = isinstance(field, models.OneToOneField) or (_label(model), field.name) in FRESH
    if not fresh and related in shared:
        return shared[related]
    if fresh:
        obj = make(related, 1, _shared=shared)[0]
    else:
        obj = related._default_manager.order_by("pk").first() or make(related, 1, _shared=shared)[0]
        shared[related] = obj
    return obj


def make(model, count: int = 1, _shared: dict | None = None, **fixed) -> list:
    """``count`` new rows of ``model`` (a model class or "app.Model")."""
    if isinstance(model, str):
        model = apps.get_model(model)
    shared = {} if _shared is None else _shared
    label = _label(model)
    rows = []
    for _ in range(count):
        n = next(_serial)
        values = dict(fixed)
        extra = OVERRIDES.get(label, lambda n: {})(n)
        for field in model._meta.concrete_fields:
            name = field.name
            if name in values or field.primary_key and not isinstance(field, models.UUIDField):
                continue
            if name in extra:
                values[name] = extra[name]
                continue
            if (label, name) in EMPTY or isinstance(field, ResidentIdDigestField):
                continue
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                continue
            if field.is_relation:
                if field.related_model is model:
                    continue  # a self link (successor, renewed_from)
                values[name] = _parent(model, field, shared)
                continue
            if field.has_default() and not field.unique:
                continue
            if (field.null or field.blank) and not field.unique:
                continue
            values[name] = _value(model, field, n)
        rows.append(model(**values))
    return model._default_manager.bulk_create(rows)
