"""Reads: scores, derived agreement status, standing and payability (衢医保发〔2020〕64号)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import (
    Case,
    CharField,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce

from apps.core import formats, resident_id, workdays
from apps.core.models import Notice

from .models import (
    Agreement,
    AgreementEvent,
    Appeal,
    AppealCorrection,
    Consequence,
    CreditGrade,
    DeductionVoid,
    Doctor,
    Institution,
    InstitutionEvent,
    PointDeduction,
)

INITIAL_POINTS = 12  # art. 16: every calendar year starts at 12 points


class Status:
    ACTIVE = "active"
    SUSPENDED = "suspended"
    TERMINATED = "terminated"


LABELS = {Status.ACTIVE: "正常", Status.SUSPENDED: "暂停", Status.TERMINATED: "解除"}


@dataclass(frozen=True)
class AgreementState:
    status: str
    until: dt.date | None
    reason: str

    @property
    def label(self) -> str:
        return LABELS[self.status]


def doctor_find(key: str) -> Doctor | None:
    """A doctor by resident ID number, its lookup digest (``digest:<hex>``, so the number
    never travels in a URL — issue 11 §4) or practice certificate number."""
    key = (key or "").strip()
    if not key:
        return None
    if key.startswith("digest:"):
        return Doctor.objects.filter(resident_id_digest=key[len("digest:"):].lower()).first()
    if len(key) == 18 and resident_id.is_valid(key):
        found = Doctor.objects.filter(resident_id_digest=resident_id.digest(key)).first()
        if found:
            return found
    return Doctor.objects.filter(certificate_number=key).first()


def active_deductions(doctor: Doctor | None = None) -> QuerySet[PointDeduction]:
    """Deductions in force: an upheld appeal (art. 27) or a void (issue 9 §4) removes one."""
    qs = (PointDeduction.objects.exclude(appeals__decision=Appeal.Decision.UPHELD)
          .filter(void__isnull=True))
    if doctor is not None:
        qs = qs.filter(doctor=doctor)
    return qs


def year_points(*, doctor: Doctor, year: int, on: dt.date | None = None) -> int:
    """Art. 16: the year's deductions across all sites and regions (notified by ``on``)."""
    qs = active_deductions(doctor).filter(notice_date__year=year)
    if on is not None:
        qs = qs.filter(notice_date__lte=on)
    return qs.aggregate(total=Sum("points"))["total"] or 0


def active_consequences(doctor: Doctor) -> QuerySet[Consequence]:
    return Consequence.objects.filter(doctor=doctor, revoked_on__isnull=True)


def _grade_on(doctor: Doctor, on: dt.date) -> CreditGrade | None:
    return (CreditGrade.objects.filter(doctor=doctor, effective_date__lte=on)
            .order_by("-effective_date", "-id").first())


def credit_grade(doctor: Doctor, on: dt.date) -> str | None:
    """Art. 23: the doctor's 医保信用等级 on ``on`` (C → key supervision, D → revoked)."""
    grade = _grade_on(doctor, on)
    return grade.grade if grade else None


def key_supervision(qs: QuerySet[Doctor], on: dt.date) -> QuerySet[Doctor]:
    """Art. 23: doctors whose grade on ``on`` is C — 列为重点监管对象 (one query)."""
    latest = (CreditGrade.objects.filter(doctor=OuterRef("pk"), effective_date__lte=on)
              .order_by("-effective_date", "-id").values("grade")[:1])
    # Only a doctor graded C on or before ``on`` can be C on ``on``: the grade in force is
    # looked up for those few, not for every doctor of the province (issue 13 §1).
    graded_c = CreditGrade.objects.filter(grade=CreditGrade.Grade.C,
                                          effective_date__lte=on).values("doctor_id")
    return (qs.filter(pk__in=graded_c).annotate(grade_on=Subquery(latest))
            .filter(grade_on=CreditGrade.Grade.C))


def institution_state(institution: Institution, on: dt.date) -> str:
    """The institution's own agreement on ``on``, from its latest event (art. 14); uses the
    events prefetched with ``prefetch_related("events")`` when a list has them."""
    cached = getattr(institution, "_prefetched_objects_cache", {}).get("events")
    if cached is not None:
        dated = [e for e in cached if e.effective_date <= on]
        event = max(dated, key=lambda e: (e.effective_date, e.id), default=None)
    else:
        event = (InstitutionEvent.objects.filter(institution=institution, effective_date__lte=on)
                 .order_by("-effective_date", "-id").first())
    if event is None or event.kind == InstitutionEvent.Kind.RESUMED:
        return Status.ACTIVE
    return Status.SUSPENDED if event.kind == InstitutionEvent.Kind.SUSPENDED else Status.TERMINATED


def _loaded(obj, name: str, query) -> list:
    """``obj.<name>`` from ``prefetch_related`` when the caller fetched it for a whole list,
    else the one query ``query()`` (so a page of rows derives with a fixed number of queries)."""
    cached = getattr(obj, "_prefetched_objects_cache", {}).get(name)
    return list(cached) if cached is not None else list(query())


# What ``agreement_state`` reads, prefetched for many agreements at once (issue 12 §7).
AGREEMENT_STATE_PREFETCH = ["events", "institution__events", "doctor__credit_grades",
                            "doctor__consequences__restore_applications"]


def agreement_state(agreement: Agreement, on: dt.date) -> AgreementState:
    """Status of one agreement on ``on``, derived from the dated rows (arts. 14, 21–23).

    Reads the rows from ``prefetch_related(*AGREEMENT_STATE_PREFETCH)`` when a list has
    them (the admin inlines), else with a few queries."""
    doctor, institution = agreement.doctor, agreement.institution
    grades = [g for g in _loaded(doctor, "credit_grades", lambda: CreditGrade.objects.filter(
        doctor=doctor, effective_date__lte=on)) if g.effective_date <= on]
    grade = max(grades, key=lambda g: (g.effective_date, g.id), default=None)
    if grade is not None and grade.grade == CreditGrade.Grade.D:
        return AgreementState(Status.TERMINATED, None, "医保信用等级为D级,取消医保医师资格(第二十三条)")
    inst = institution_state(institution, on)
    inst_events = _loaded(institution, "events", lambda: InstitutionEvent.objects.filter(
        institution=institution, kind=InstitutionEvent.Kind.TERMINATED))
    if inst == Status.TERMINATED or any(
            e.kind == InstitutionEvent.Kind.TERMINATED and agreement.start <= e.effective_date <= on
            for e in inst_events):
        # Art. 14 "同时解除": a later resumption of the institution does not revive it.
        return AgreementState(Status.TERMINATED, None, "所在定点医疗机构服务协议已解除(第十四条)")
    ended = min((e for e in _loaded(agreement, "events", lambda: agreement.events.filter(
        kind=AgreementEvent.Kind.TERMINATED)) if e.kind == AgreementEvent.Kind.TERMINATED
                 and e.effective_date <= on), key=lambda e: (e.effective_date, e.id), default=None)
    if ended is not None:
        return AgreementState(Status.TERMINATED, None, f"服务协议已于{ended.effective_date}解除:{ended.reason}")
    consequences = sorted(
        (c for c in _loaded(doctor, "consequences", lambda: active_consequences(doctor).filter(
            effective_date__lte=on).prefetch_related("restore_applications"))
         if c.revoked_on is None and c.effective_date <= on),
        key=lambda c: (c.effective_date, c.id))
    for c in consequences:
        if c.kind == Consequence.Kind.TERMINATION and agreement.start <= c.effective_date:
            return AgreementState(Status.TERMINATED, None,
                                  f"{c.get_rule_display()},{c.effective_date}起解除服务协议(第二十一条)")
    if on > agreement.end:
        return AgreementState(Status.TERMINATED, None, f"服务协议已于{agreement.end}期满")
    if inst == Status.SUSPENDED:
        return AgreementState(Status.SUSPENDED, None, "所在定点医疗机构服务协议暂停(第十四条)")
    for c in consequences:
        if c.kind != Consequence.Kind.SUSPENSION or agreement.start >= c.end_date:
            continue
        if on < c.end_date:
            return AgreementState(Status.SUSPENDED, c.end_date,
                                  f"{c.get_rule_display()},暂停服务协议至{c.end_date}(第二十一条)")
        if not c.restore_applications.all():
            return AgreementState(Status.SUSPENDED, agreement.end,
                                  "暂停期满前未申请恢复,暂停延长至协议期满(第二十二条)")
    return AgreementState(Status.ACTIVE, agreement.end, "服务协议有效")


def agreements_for_page(qs: QuerySet[Agreement], on: dt.date) -> QuerySet[Agreement]:
    """Agreements with what ``agreement_state`` reads prefetched and each doctor's year
    points (art. 16) as ``points_year``: a page of any length in a fixed number of queries."""
    return (qs.annotate(points_year=_points_subquery("doctor", on.year))
            .select_related("doctor", "institution")
            .prefetch_related(*AGREEMENT_STATE_PREFETCH))


def _points_subquery(doctor_ref: str, year: int):
    """The year's deductions in force (art. 16) of the doctor at ``OuterRef(doctor_ref)``."""
    points = (active_deductions().filter(doctor=OuterRef(doctor_ref), notice_date__year=year)
              .order_by().values("doctor").annotate(total=Sum("points")).values("total"))
    return Coalesce(Subquery(points, output_field=IntegerField()), 0)


def _current_q(on: dt.date) -> Q:
    """Per doctor × institution, the agreement covering ``on``, else the latest begun before
    it (the set form of ``current_agreements``)."""
    same = {"doctor": OuterRef("doctor"), "institution": OuterRef("institution")}
    covering = Agreement.objects.filter(**same, start__lte=on, end__gte=on)
    return Q(start__lte=on) & (
        (Q(end__gte=on) & ~Exists(covering.filter(start__lt=OuterRef("start"))))
        | (~Exists(covering) & ~Exists(Agreement.objects.filter(
            **same, start__lte=on, start__gt=OuterRef("start")))))


def agreements_with_status(on: dt.date, qs: QuerySet[Agreement] | None = None) -> QuerySet[Agreement]:
    """The doctors' current agreements on ``on`` annotated with ``status``, in one query.

    The same derivation as ``agreement_state`` (same order of rules), written as SQL so a
    list of any length is filtered without a query per doctor.
    """
    qs = Agreement.objects.all() if qs is None else qs
    grade = (CreditGrade.objects.filter(doctor=OuterRef("doctor"), effective_date__lte=on)
             .order_by("-effective_date", "-id").values("grade")[:1])
    inst_kind = (InstitutionEvent.objects.filter(institution=OuterRef("institution"),
                                                 effective_date__lte=on)
                 .order_by("-effective_date", "-id").values("kind")[:1])
    inst_ended = InstitutionEvent.objects.filter(
        institution=OuterRef("institution"), kind=InstitutionEvent.Kind.TERMINATED,
        effective_date__gte=OuterRef("start"), effective_date__lte=on)
    ended = AgreementEvent.objects.filter(agreement=OuterRef("pk"), kind=AgreementEvent.Kind.TERMINATED,
                                          effective_date__lte=on)
    in_force = Consequence.objects.filter(doctor=OuterRef("doctor"), revoked_on__isnull=True,
                                          effective_date__lte=on)
    terminated = in_force.filter(kind=Consequence.Kind.TERMINATION,
                                 effective_date__gte=OuterRef("start"))
    suspended = in_force.filter(kind=Consequence.Kind.SUSPENSION, end_date__gt=OuterRef("start")).filter(
        Q(end_date__gt=on) | Q(restore_applications__isnull=True))
    return (qs.filter(_current_q(on))
            .annotate(grade_on=Subquery(grade), inst_kind=Subquery(inst_kind))
            .annotate(status=Case(
                When(grade_on=CreditGrade.Grade.D, then=Value(Status.TERMINATED)),
                When(inst_kind=InstitutionEvent.Kind.TERMINATED, then=Value(Status.TERMINATED)),
                When(Exists(inst_ended), then=Value(Status.TERMINATED)),
                When(Exists(ended), then=Value(Status.TERMINATED)),
                When(Exists(terminated), then=Value(Status.TERMINATED)),
                When(end__lt=on, then=Value(Status.TERMINATED)),
                When(inst_kind=InstitutionEvent.Kind.SUSPENDED, then=Value(Status.SUSPENDED)),
                When(Exists(suspended), then=Value(Status.SUSPENDED)),
                default=Value(Status.ACTIVE), output_field=CharField())))


# The statuses of ``agreement_state`` as set-based SQL driven from the small event tables
# (issue 13 §1). One string per set, its only parameter the day (``{on}``); written out rather
# than built with the ORM, whose nested subqueries cost more to assemble than to run.
def _latest_is(table: str, key: str, field: str, value: str) -> str:
    """``key`` of the ``table`` rows whose latest row (effective date, then id) on the day has
    ``field`` = ``value``: a grade D doctor (art. 23), a terminated or suspended institution
    (art. 14)."""
    return (f"SELECT x.{key} FROM {table} x WHERE x.{field} = '{value}' AND x.effective_date <= {{on}} "
            f"AND NOT EXISTS (SELECT 1 FROM {table} y WHERE y.{key} = x.{key} "
            f"AND y.effective_date <= {{on}} AND (y.effective_date > x.effective_date "
            f"OR (y.effective_date = x.effective_date AND y.id > x.id)))")


_SAME = "b.doctor_id = a.doctor_id AND b.institution_id = a.institution_id AND b.start <= {on}"
# Agreements covering the day that are current (no earlier-begun one of the same doctor and
# institution also covers it): ``_current_q`` for the agreements not yet ended.
_COVERING_CURRENT = ('SELECT a.id, a.doctor_id FROM doctors_agreement a WHERE a.start <= {on} AND a."end" >= {on} '
                     f'AND NOT EXISTS (SELECT 1 FROM doctors_agreement b WHERE {_SAME} '
                     'AND b."end" >= {on} AND b.start < a.start)')
# Current agreements whose period is over (``_current_q``'s second branch): terminated.
_LAPSED = ('SELECT a.id FROM doctors_agreement a WHERE a.start <= {on} AND a."end" < {on} '
           f'AND NOT EXISTS (SELECT 1 FROM doctors_agreement b WHERE {_SAME} AND b."end" >= {{on}}) '
           f'AND NOT EXISTS (SELECT 1 FROM doctors_agreement b WHERE {_SAME} AND b.start > a.start)')
# Agreements (any period) an event ends on the day: grade D (art. 23), the institution's
# agreement ended, now or since the period began (art. 14 同时解除), the agreement terminated,
# a termination in force since the period began (art. 21).
_TERMINATED = " UNION ".join([
    "SELECT a.id FROM doctors_agreement a WHERE a.doctor_id IN ("
    + _latest_is("doctors_creditgrade", "doctor_id", "grade", CreditGrade.Grade.D) + ")",
    "SELECT a.id FROM doctors_agreement a WHERE a.institution_id IN ("
    + _latest_is("doctors_institutionevent", "institution_id", "kind", InstitutionEvent.Kind.TERMINATED) + ")",
    "SELECT a.id FROM doctors_agreement a JOIN doctors_institutionevent e ON e.institution_id = a.institution_id "
    f"WHERE e.kind = '{InstitutionEvent.Kind.TERMINATED}' AND e.effective_date <= {{on}} "
    "AND e.effective_date >= a.start",
    "SELECT e.agreement_id FROM doctors_agreementevent e "
    f"WHERE e.kind = '{AgreementEvent.Kind.TERMINATED}' AND e.effective_date <= {{on}}",
    "SELECT a.id FROM doctors_agreement a JOIN doctors_consequence c ON c.doctor_id = a.doctor_id "
    f"WHERE c.kind = '{Consequence.Kind.TERMINATION}' AND c.revoked_on IS NULL "
    "AND c.effective_date <= {on} AND c.effective_date >= a.start",
])
# Agreements suspended on the day unless an event ended them: the institution's agreement
# suspended (art. 14), a suspension in force not yet over, or over without a restore
# application (arts. 21–22).
_SUSPENDED = " UNION ".join([
    "SELECT a.id FROM doctors_agreement a WHERE a.institution_id IN ("
    + _latest_is("doctors_institutionevent", "institution_id", "kind", InstitutionEvent.Kind.SUSPENDED) + ")",
    "SELECT a.id FROM doctors_agreement a JOIN doctors_consequence c ON c.doctor_id = a.doctor_id "
    f"WHERE c.kind = '{Consequence.Kind.SUSPENSION}' AND c.revoked_on IS NULL "
    "AND c.effective_date <= {on} AND c.end_date > a.start AND (c.end_date > {on} OR NOT EXISTS "
    "(SELECT 1 FROM doctors_restoreapplication r WHERE r.consequence_id = c.id))",
])
_IN_STATUS = {
    Status.TERMINATED: (f"SELECT cur.id FROM ({_COVERING_CURRENT}) cur WHERE cur.id IN ({_TERMINATED}) "
                        f"UNION {_LAPSED}"),
    Status.SUSPENDED: (f"SELECT cur.id FROM ({_COVERING_CURRENT}) cur WHERE cur.id IN ({_SUSPENDED}) "
                       f"AND cur.id NOT IN ({_TERMINATED})"),
    Status.ACTIVE: (f"SELECT cur.id FROM ({_COVERING_CURRENT}) cur WHERE cur.id NOT IN ({_TERMINATED}) "
                    f"AND cur.id NOT IN ({_SUSPENDED})"),
}
# Doctors an event touches (the only ones whose 正常 needs the full derivation).
_TOUCHED = f"SELECT t.doctor_id FROM doctors_agreement t WHERE t.id IN ({_TERMINATED} UNION {_SUSPENDED})"


def _sql(template: str, on: dt.date) -> RawSQL:
    """``template`` with the day as its parameter at every ``{on}``."""
    return RawSQL(template.format(on="%s"), [on] * template.count("{on}"))


def agreements_in_status(on: dt.date, status: str) -> QuerySet[Agreement]:
    """The current agreements whose status on ``on`` is ``status`` — the same rows as
    ``agreements_with_status(on).filter(status=status)`` (arts. 14, 21–23), found from the few
    event rows instead of deriving every agreement (issue 13 §1): the suspended and
    terminated ones from the event tables, the active ones as the agreements covering ``on``
    minus those (anti-joins on indexes)."""
    if status not in _IN_STATUS:
        return Agreement.objects.none()
    return Agreement.objects.filter(pk__in=_sql(_IN_STATUS[status], on))


def doctors_with_status(qs: QuerySet[Doctor], *, status: str, on: dt.date) -> QuerySet[Doctor]:
    """Doctors with at least one current agreement in ``status`` on ``on`` (admin filter):
    a semi-join on ``agreements_in_status``.

    正常 is most doctors: a doctor none of whose agreements an event touches has an active
    agreement exactly when one covers ``on``, so only the few touched doctors are derived in
    full and the list walks the doctors' name index checking one agreement index each
    (issue 13 §1)."""
    if status not in _IN_STATUS:
        return qs.none()
    if status != Status.ACTIVE:
        return qs.filter(pk__in=_sql(f"SELECT s.doctor_id FROM doctors_agreement s "
                                     f"WHERE s.id IN ({_IN_STATUS[status]})", on))
    covering = _sql('SELECT c.doctor_id FROM doctors_agreement c WHERE c.start <= {on} AND c."end" >= {on}', on)
    touched_active = _sql(f"SELECT cur.doctor_id FROM ({_COVERING_CURRENT}) cur "
                          f"WHERE cur.doctor_id IN ({_TOUCHED}) AND cur.id NOT IN ({_TERMINATED}) "
                          f"AND cur.id NOT IN ({_SUSPENDED})", on)
    return qs.filter(pk__in=covering).filter(~Q(pk__in=_sql(_TOUCHED, on)) | Q(pk__in=touched_active))


def doctors_for_list(qs: QuerySet[Doctor], on: dt.date) -> QuerySet[Doctor]:
    """A doctors list with each row's year points (art. 16), credit grade (art. 23) and
    current agreements with their status (``agreements_with_status``) in a fixed number of
    queries, however many rows (issue 12 §7): ``points_year``, ``grade_today`` and
    ``agreements_today``."""
    grade = (CreditGrade.objects.filter(doctor=OuterRef("pk"), effective_date__lte=on)
             .order_by("-effective_date", "-id").values("grade")[:1])
    current = agreements_with_status(on).select_related("institution").order_by("institution__code")
    return (qs.annotate(points_year=_points_subquery("pk", on.year),
                        grade_today=Subquery(grade))
            .prefetch_related(Prefetch("agreements", queryset=current, to_attr="agreements_today")))


def current_agreements(doctor: Doctor, on: dt.date) -> list[Agreement]:
    """Per institution, the agreement covering ``on``, else the latest begun before it."""
    chosen: dict[int, Agreement] = {}
    for agreement in (Agreement.objects.filter(doctor=doctor, start__lte=on)
                      .select_related("institution", "doctor").order_by("start", "id")):
        held = chosen.get(agreement.institution_id)
        if held is None or not (held.start <= on <= held.end):
            chosen[agreement.institution_id] = agreement
    return sorted(chosen.values(), key=lambda a: a.institution.code)


def ban_until(doctor: Doctor, on: dt.date) -> dt.date | None:
    """Art. 21: no new agreement until this date after a termination."""
    c = (active_consequences(doctor).filter(kind=Consequence.Kind.TERMINATION, effective_date__lte=on,
                                            ban_until__gte=on).order_by("-ban_until").first())
    return c.ban_until if c else None


def interview_due(doctor: Doctor, on: dt.date) -> bool:
    """Art. 21: 6 points reached this year and the interview not yet held."""
    return active_consequences(doctor).filter(
        kind=Consequence.Kind.INTERVIEW, year=on.year, effective_date__lte=on,
        interview_held_on__isnull=True).exists()


def agreement_rows(doctor: Doctor, on: dt.date) -> list[dict]:
    """Each site's agreement on ``on`` with its status, end of that status and the reason."""
    rows = []
    for agreement in current_agreements(doctor, on):
        state = agreement_state(agreement, on)
        rows.append({
            "institution": agreement.institution.code,
            "institution_name": agreement.institution.name,
            "status": state.status,
            "status_label": state.label,  # pages show the label; the API keeps ``status``
            "until": state.until.isoformat() if state.until else None,
            "reason": state.reason,
        })
    return rows


def restore_window(c: Consequence) -> tuple[workdays.Deadline, workdays.Deadline]:
    """A suspension's restore window (art. 22) as stored, computed for older rows."""
    if c.restore_from and c.restore_until:
        return (workdays.Deadline(c.restore_from, c.restore_provisional),
                workdays.Deadline(c.restore_until, c.restore_provisional))
    return workdays.deadline_before(c.end_date, 7), workdays.deadline_before(c.end_date, 1)


def window_text(c: Consequence) -> str:
    """“2027年1月4日至2027年1月12日(暂定)” for a suspension, "" otherwise."""
    if c.kind != Consequence.Kind.SUSPENSION or not c.end_date:
        return ""
    first, last = restore_window(c)
    return f"{workdays.label(first.date, False)}至{workdays.label(last.date, first.provisional or last.provisional)}"


def _restore_answer(doctor: Doctor, on: dt.date) -> dict | None:
    c = (active_consequences(doctor).filter(kind=Consequence.Kind.SUSPENSION, effective_date__lte=on,
                                            end_date__gt=on, outcome="")
         .order_by("-effective_date", "-id").first())
    if c is None:
        return None
    first, last = restore_window(c)
    return {"from": first.date.isoformat(), "until": last.date.isoformat(),
            "provisional": first.provisional or last.provisional}


def _appeal_answers(doctor: Doctor) -> list[dict]:
    return [{"item": a.deduction.item.code, "filed_on": a.filed_on.isoformat(),
             "decision_due": a.decision_due.isoformat(), "provisional": a.decision_due_provisional}
            for a in pending_appeals(doctor).select_related("deduction__item")]


def doctor_standing(*, doctor: Doctor, on: dt.date) -> dict:
    """The answer of ``GET /api/doctors/standing`` and ``doctor_standing`` (issue 4 §7).

    ``until``: an active agreement's period end, a suspension's expiry day (期满之日), or
    the period end of a suspension run on (art. 22); null when terminated.
    ``interview_due``: 6 points reached this year and the interview not yet recorded.
    ``restore_window``: the current suspension's application window (art. 22) or null;
    ``pending_appeals``: undecided appeals with their decision deadline (art. 27). Each
    date counted in working days carries ``provisional``: true while a year it depends on
    has no official holiday schedule (暂定).
    """
    deducted = year_points(doctor=doctor, year=on.year, on=on)
    ban = ban_until(doctor, on)
    return {
        "year": on.year,
        "points_deducted": deducted,
        "points_left": max(INITIAL_POINTS - deducted, 0),
        "agreements": [{k: row[k] for k in ("institution", "status", "until")}
                       for row in agreement_rows(doctor, on)],
        "ban_until": ban.isoformat() if ban else None,
        "interview_due": interview_due(doctor, on),
        "restore_window": _restore_answer(doctor, on),
        "pending_appeals": _appeal_answers(doctor),
    }


def payability(*, doctor: Doctor | None, institution: Institution, on: dt.date,
               emergency: bool = False) -> dict:
    """Arts. 13, 15, 23: payable only under an active agreement there, except emergencies."""
    if emergency:
        return {"payable": True, "reason": "急诊、抢救等特殊情形,医保基金予以支付(第十五条)"}
    if doctor is None:
        return {"payable": False, "reason": "非医保医师,医保基金不予支付(第十五条)"}
    agreement = (Agreement.objects.filter(doctor=doctor, institution=institution, start__lte=on,
                                          end__gte=on).order_by("-start").first())
    if agreement is None:
        return {"payable": False,
                "reason": f"{on}该医师在{institution.name}无服务协议,医保基金不予支付(第十三条)"}
    state = agreement_state(agreement, on)
    if state.status == Status.ACTIVE:
        return {"payable": True, "reason": f"服务协议有效(至{agreement.end})"}
    return {"payable": False, "reason": f"{state.reason},医保基金不予支付(第十五条)"}


def doctors_in_band(qs: QuerySet[Doctor], *, year: int, low: int, high: int | None) -> QuerySet[Doctor]:
    """Doctors whose year's deduction is within [low, high] (the admin's points-band filter)."""
    totals = (active_deductions().filter(notice_date__year=year).values("doctor")
              .annotate(total=Sum("points")))
    if low == 0:
        above = totals.filter(total__gt=high) if high is not None else totals.none()
        return qs.exclude(pk__in=above.values("doctor"))
    cond = Q(total__gte=low)
    if high is not None:
        cond &= Q(total__lte=high)
    return qs.filter(pk__in=totals.filter(cond).values("doctor"))


def pending_appeals(doctor: Doctor) -> QuerySet[Appeal]:
    return Appeal.objects.filter(deduction__doctor=doctor, decision=Appeal.Decision.PENDING)


def doctor_notices(doctor: Doctor, topic: str = "doctors") -> QuerySet[Notice]:
    """Every outbox notice about ``doctor`` (the doctor page), newest first.

    Notices are keyed by ``Notice.source`` = "<kind>:<record pk>[:<suffix>]" (``services``):
    the doctor's and the institutions' copies share it. The doctor's records are enumerated
    and matched exactly, or by prefix where the key carries a suffix (a changed date, a
    ``ConsequenceEvent``): deductions (deduction, single12-after-termination), voids, consequences
    (consequence, consequence-revoked, consequence-city, suspension-end,
    consequence-adjusted:…, restore-window:…), appeals (appeal, appeal-overdue,
    appeal-due:…), corrections, institution events (institution-event:<event>:<agreement>)
    and agreement terminations (agreement-end:…)."""
    deductions = list(PointDeduction.objects.filter(doctor=doctor).values_list("pk", flat=True))
    consequences = list(Consequence.objects.filter(doctor=doctor).values_list("pk", flat=True))
    appeals = list(Appeal.objects.filter(deduction__doctor=doctor).values_list("pk", flat=True))
    voids = DeductionVoid.objects.filter(deduction__doctor=doctor).values_list("pk", flat=True)
    corrections = AppealCorrection.objects.filter(
        appeal__deduction__doctor=doctor).values_list("pk", flat=True)
    agreements = Agreement.objects.filter(doctor=doctor).values_list("pk", "institution_id")
    events_by_institution: dict[int, list[int]] = {}
    for pk, institution_id in InstitutionEvent.objects.filter(
            institution__agreements__doctor=doctor).values_list("pk", "institution_id").distinct():
        events_by_institution.setdefault(institution_id, []).append(pk)
    exact = ([f"{kind}:{pk}" for pk in deductions
              for kind in ("deduction", "single12-after-termination")]
             + [f"{kind}:{pk}" for pk in consequences
                for kind in ("consequence", "consequence-revoked", "consequence-city", "suspension-end")]
             + [f"{kind}:{pk}" for pk in appeals for kind in ("appeal", "appeal-overdue")]
             + [f"deduction-void:{pk}" for pk in voids]
             + [f"appeal-correction:{pk}" for pk in corrections]
             + [f"institution-event:{event}:{agreement}" for agreement, institution in agreements
                for event in events_by_institution.get(institution, [])])
    prefixes = ([f"{kind}:{pk}:" for pk in consequences
                 for kind in ("consequence-adjusted", "restore-window")]
                + [f"appeal-due:{pk}:" for pk in appeals]
                + [f"agreement-end:{pk}:" for pk in AgreementEvent.objects.filter(
                    agreement__doctor=doctor).values_list("pk", flat=True)])
    match = Q(source__in=exact)
    for prefix in prefixes:
        match |= Q(source__startswith=prefix)
    return Notice.objects.filter(match, topic=topic).order_by("-created_at", "-id")


def timeline(doctor: Doctor) -> list[dict]:
    """Deductions, consequences, appeals and restore applications by date (doctor page)."""
    events: list[dict] = []
    upheld_appeal = Appeal.objects.filter(deduction=OuterRef("pk"), decision=Appeal.Decision.UPHELD)
    deductions = (PointDeduction.objects.filter(doctor=doctor)
                  .select_related("item", "institution", "void")  # one query for the page
                  .annotate(upheld=Exists(upheld_appeal)))
    for d in deductions:
        upheld = d.upheld
        void = getattr(d, "void", None) if hasattr(d, "void") else None
        events.append({"date": d.notice_date, "kind": "扣分",
                       "text": f"{d.institution.name} 第{d.item.code}项 扣{d.points}分(违规日期{d.violation_date}"
                               + (f",案件编号{d.case_number}" if d.case_number else "") + ")"
                               + ("【申诉成立,已撤销】" if upheld else "")
                               + (f"【{void.voided_on}作废:{void.reason}】" if void else "")})
    for c in Consequence.objects.filter(doctor=doctor):
        text = f"{c.get_kind_display()}({c.get_rule_display()})"
        if c.end_date:
            text += f" 至{c.end_date}({c.months}个月)"
        if c.ban_until:
            text += f" 不予签约至{c.ban_until}"
        if c.revoked_on:
            text += f"【{c.revoked_on}撤销:{c.revoked_reason}】"
        events.append({"date": c.effective_date, "kind": "处理", "text": text})
    for a in Appeal.objects.filter(deduction__doctor=doctor).select_related("deduction__item"):
        events.append({"date": a.filed_on, "kind": "申诉",
                       "text": f"对第{a.deduction.item.code}项扣分申诉,{a.get_decision_display()},"
                               f"决定期限{formats.date_text(a.decision_due, a.decision_due_provisional)}"})
    for r in (Consequence.objects.filter(doctor=doctor).values_list(
            "restore_applications__applied_on", flat=True)):
        if r:
            events.append({"date": r, "kind": "恢复申请", "text": "提交恢复服务协议申请及承诺书"})
    return sorted(events, key=lambda e: e["date"])
