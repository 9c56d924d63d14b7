"""今日待办 item of 全球免费游 (衢政办发〔2020〕18号 三(三)): a 结算单 in force that was issued
暂定 — its free days rested on a year without an official holiday schedule — once that year's
schedule has been entered, so its figures may now differ: re-settle (``services.do_settle``
issues a new statement superseding it; the old one is kept)."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

from apps.core import roles, workdays
from apps.core.worklist import Item, register

from .models import SettlementStatement


def provisional_to_resettle(user, today: dt.date) -> QuerySet[SettlementStatement]:
    """Statements in force, issued 暂定, whose programme year is no longer provisional; in
    the user's county for county staff."""
    rows = SettlementStatement.objects.filter(provisional=True, superseded_by__isnull=True)
    years = [year for year in rows.values_list("year", flat=True).distinct()
             if not workdays.year_is_provisional(year)]
    rows = rows.filter(year__in=years)
    region = roles.user_region(user)
    return rows if region is None else rows.filter(spot__region=region)


register(Item(key="tourism.resettle", label="放假安排已公布、待重新结算的暂定结算单", order=70,
              permission="tourism.add_settlementstatement", model=SettlementStatement,
              rows=provisional_to_resettle))
