"""Demo data for personnel: flag the seed's probations as the nightly job would on 2021-06-01."""

from __future__ import annotations

import datetime as dt

from . import services
from .models import AppointmentItem, DutyAssignment, ProbationFlag

DEMO_DAY = dt.date(2021, 6, 1)


def load(stdout) -> str:
    """Idempotent: flags are one per item, notices one per item."""
    services.probation_flags_raise(today=DEMO_DAY)
    return (f"任免事项 {AppointmentItem.objects.count()} 项,领导分工 {DutyAssignment.objects.count()} 人,"
            f"试用期到期提醒 {ProbationFlag.objects.count()} 条(按 {DEMO_DAY} 运行);"
            "在任名册见 /personnel/roster/")
