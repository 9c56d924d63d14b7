"""Deadlines in working days (arts. 22, 27; agreement art. 8) on the official calendar.

Each is a ``workdays.Deadline`` marked provisional (暂定) when a year without an official
holiday schedule decided it; the calendar is read, nothing is written.
"""

from __future__ import annotations

import datetime as dt

from apps.core import workdays

from .rules import APPEAL_WORKING_DAYS, RESTORE_WORKING_DAYS


def restore_deadlines(end_date: dt.date) -> tuple[workdays.Deadline, workdays.Deadline]:
    """Art. 22: the 7 working days before the suspension ends (the end day not counted),
    each end marked provisional when a year without an official schedule decided it."""
    return (workdays.deadline_before(end_date, RESTORE_WORKING_DAYS),
            workdays.deadline_before(end_date, 1))


def restore_window(end_date: dt.date) -> tuple[dt.date, dt.date]:
    """Art. 22: the 7 working days before the suspension ends (the end day not counted)."""
    first, last = restore_deadlines(end_date)
    return first.date, last.date


def appeal_due(notice_date: dt.date) -> workdays.Deadline:
    """Art. 27: the 10th working day after the notice (the notice day not counted), marked
    provisional when a year without an official holiday schedule decided it."""
    return workdays.deadline(notice_date, APPEAL_WORKING_DAYS)


def appeal_deadline(notice_date: dt.date) -> dt.date:
    """Art. 27: the 10th working day after the notice (the notice day not counted)."""
    return appeal_due(notice_date).date
