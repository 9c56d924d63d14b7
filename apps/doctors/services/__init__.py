"""Writes for 医保协议医师 (衢医保发〔2020〕64号), one module per concern, re-exported here so
callers keep ``from apps.doctors import services`` / ``services.deduction_record``.

The pure rules (bands, lengths, periods) are in ``apps/doctors/rules.py``, working-day
deadlines in ``deadlines.py``, notice texts and keys in ``notices.py``.

Authority (issue 9): every write service takes ``actor`` (default: the current user, or 系统),
checks it before writing — city level for credit grades, year closings and the nightly job;
the county of the institution concerned for agreements, deductions, appeals, restore
applications and institution events; the app permission for users — and runs inside
``authority.acting_as(actor)`` so the model guard and the audit trail know who acted.
Derived rows (consequences, year scores) are rewritten only inside ``authority.deriving()``.
A mistake in a deduction or a decided appeal is corrected by ``deduction_void`` or
``appeal_correct`` (a new event with a reason), never by an edit or delete.
"""

from __future__ import annotations

from ..deadlines import appeal_deadline, appeal_due, restore_deadlines, restore_window
from ..notices import TOPIC
from ..rules import (
    APPEAL_WORKING_DAYS,
    ARTICLES,
    DECISION_WORKING_DAYS,
    IN_FORCE,
    NOTICE_WORKING_DAYS,
    PROPOSED_MONTHS,
    RESTORE_WORKING_DAYS,
    cn,
    deduction_dates_check,
    in_force_check,
    period_after,
)
from .appeals import (
    appeal_check,
    appeal_correct,
    appeal_correct_check,
    appeal_decide,
    appeal_decide_check,
    appeal_file,
)
from .base import (
    acts,
    check_county,
    local_today,
)
from .consequences import (
    consequence_adjust,
    consequence_adjust_check,
    consequences_recompute,
    interview_record,
    recompute_from_events,
    restore_apply,
    restore_check,
    restore_window_store,
    single_twelve_items,
    year_score_recompute,
)
from .deductions import (
    deduction_check,
    deduction_duplicate_check,
    deduction_existing,
    deduction_period_check,
    deduction_record,
    deduction_site_check,
    deduction_void,
    deduction_void_check,
)
from .nightly import (
    nightly,
    year_end,
)
from .registry import (
    agreement_check,
    agreement_create,
    agreement_notice_to_end,
    credit_grade_set,
    institution_event_record,
)
from .schedule import (
    on_schedule_changed,
    workdays_schedule_entered,
)

__all__ = [
    "APPEAL_WORKING_DAYS",
    "ARTICLES",
    "DECISION_WORKING_DAYS",
    "IN_FORCE",
    "NOTICE_WORKING_DAYS",
    "PROPOSED_MONTHS",
    "RESTORE_WORKING_DAYS",
    "TOPIC",
    "acts",
    "agreement_check",
    "agreement_create",
    "agreement_notice_to_end",
    "appeal_check",
    "appeal_correct",
    "appeal_correct_check",
    "appeal_deadline",
    "appeal_decide",
    "appeal_decide_check",
    "appeal_due",
    "appeal_file",
    "check_county",
    "cn",
    "consequence_adjust",
    "consequence_adjust_check",
    "consequences_recompute",
    "credit_grade_set",
    "deduction_check",
    "deduction_dates_check",
    "deduction_duplicate_check",
    "deduction_existing",
    "deduction_period_check",
    "deduction_record",
    "deduction_site_check",
    "deduction_void",
    "deduction_void_check",
    "in_force_check",
    "institution_event_record",
    "interview_record",
    "local_today",
    "nightly",
    "on_schedule_changed",
    "period_after",
    "recompute_from_events",
    "restore_apply",
    "restore_check",
    "restore_deadlines",
    "restore_window",
    "restore_window_store",
    "single_twelve_items",
    "workdays_schedule_entered",
    "year_end",
    "year_score_recompute",
]
