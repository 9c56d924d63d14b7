"""Personnel writes: appointment notices and items, duty division, probation flags (DOMAIN §2)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import transaction

from apps.awards.models import Person, PersonKey
from apps.awards.services import person_identify
from apps.core import audit, authority
from apps.core.acting import city_service
from apps.core.docnumbers import DocumentNumber, InvalidDocumentNumber
from apps.core.models import AuditEvent, Notice, Organisation
from apps.core.notices import queue_notice
from apps.core.services import (
    organisation_add_alias,
    organisation_find,
    organisation_resolve,
    update_if_changed,
)
from apps.core.text import clean
from apps.gazette.registry import ParseResult

from . import selectors
from .models import (
    AppointmentItem,
    AppointmentItemVoid,
    AppointmentNotice,
    DutyAssignment,
    DutyDivision,
    DutyOffice,
    Office,
    ProbationFlag,
)

HR_RECIPIENT = "市政府办公室人事"
PROBATION_TOPIC = "personnel.probation"
WHAT = "职务任免和领导分工"




def unit_resolve(name: str) -> Organisation:
    """The unit for ``name``; 衢州市人民政府研究室 also answers to 市政府研究室 (an alias is added)."""
    name = clean(name)
    organisation = organisation_resolve(name)
    prefix = "衢州市人民政府"
    if name.startswith(prefix) and len(name) > len(prefix):
        alias = "市政府" + name[len(prefix):]
        if organisation_find(alias) is None:
            organisation_add_alias(organisation, alias)
    return organisation


def probation_end(*, notice_date: dt.date, months: int) -> dt.date:
    """试用期一年: the probation ends one year after the notice date (DOMAIN §2)."""
    return notice_date + relativedelta(months=months)  # 29 Feb → 28 Feb in a common year


@city_service(WHAT)
@transaction.atomic
def notice_record(*, actor=None, number: str, title: str, issuing_body: str, date: dt.date,
                  public: bool | None = None, source_article=None,
                  outcome: ParseResult | None = None) -> AppointmentNotice:
    """Create or update an appointment notice by number (any bracket form). ``public`` and
    ``source_article`` not given (a file import) keep the stored ones (new: not public)."""
    outcome = outcome or ParseResult()
    parts = DocumentNumber.parse(number)
    values = dict(issuer_code=parts.issuer, year=parts.year, serial=parts.serial, title=title,
                  issuing_body=issuing_body, date=date)
    if public is not None:
        values["public"] = public
    if source_article is not None:
        values["source_article"] = source_article
    updated_before = outcome.updated
    notice = outcome.upsert(AppointmentNotice, {"number": str(parts)}, values)
    if outcome.updated > updated_before:
        notice_probations_refresh(notice=notice)  # the end follows the date
    return notice


@dataclass(frozen=True)
class Candidate:
    """An item about to be saved (gazette, import, admin form or inline row)."""

    order: int
    person: Person
    action: str
    kind: str
    organisation: Organisation
    title: str


def removal_problems(*, notice: AppointmentNotice, candidates: list[Candidate],
                     exclude: set[int] | frozenset = frozenset()) -> list[str]:
    """Removing twice from the same post or rank is an error (DOMAIN §2).

    The stored items (less ``exclude``: rows being edited or deleted) and the candidates are
    put in one timeline (notice date, number, order), so a candidate dated before a stored
    removal, and two removals entered together in one form, are caught as well. Only
    problems that involve a candidate are reported.
    """
    try:
        number = str(DocumentNumber.parse(notice.number))
    except InvalidDocumentNumber:
        number = notice.number or "本通知"
    events = []
    keys = {(c.person.pk, c.organisation.pk, clean(c.title), c.kind) for c in candidates}
    for person_id, organisation_id, title, kind in keys:
        stored = AppointmentItem.objects.filter(
            void__isnull=True, person_id=person_id, organisation_id=organisation_id, title=title, kind=kind,
        ).exclude(pk__in=list(exclude)).select_related("notice")
        for item in stored:
            events.append(((item.notice.date, item.notice.number, item.order, 0),
                           (person_id, organisation_id, title, kind), item.action,
                           item.notice.date, item.notice.number, item.order, False))
    for index, c in enumerate(candidates):
        events.append(((notice.date, number, c.order, index + 1),
                       (c.person.pk, c.organisation.pk, clean(c.title), c.kind), c.action,
                       notice.date, number, c.order, True))
    names = {c.person.pk: c.person.name for c in candidates}
    units = {c.organisation.pk: c.organisation.name for c in candidates}
    problems: list[str] = []
    removed: dict[tuple, tuple] = {}  # key -> the last removal while not held
    for _, key, action, day, doc, order, is_candidate in sorted(events, key=lambda e: e[0]):
        if action == AppointmentItem.Action.APPOINT:
            removed.pop(key, None)
            continue
        previous = removed.get(key)
        if previous is not None and (is_candidate or previous[3]):
            person_id, organisation_id, title, _ = key
            problems.append(
                f"{doc}第{order}项:{names[person_id]}已于{previous[0]}({previous[1]}第"
                f"{previous[2]}项)被免去{units[organisation_id]}{title},不能重复免去")
        removed[key] = (day, doc, order, is_candidate)
    return problems


def item_terms_check(*, order: int | None, action: str, probation_months: int | None,
                     number: str = "") -> None:
    """试用期 belongs to an appointment: a removal (免去) with a probation is refused (DOMAIN §2).
    ``number`` names the notice when it is known."""
    if probation_months and action != AppointmentItem.Action.APPOINT:
        raise ValidationError(f"{number}第{order}项:免职事项不能有试用期")


def items_check(*, notice: AppointmentNotice, candidates: list[Candidate],
                exclude: set[int] | frozenset = frozenset()) -> None:
    """Raise, listing every problem, if these items would remove someone twice from the same
    post or rank (DOMAIN §2); nothing to check before the notice has a date."""
    if notice.date is None or not candidates:
        return
    problems = removal_problems(notice=notice, candidates=candidates, exclude=exclude)
    if problems:
        raise ValidationError(problems)


def check_item(*, notice: AppointmentNotice, order: int, person: Person, action: str,
               kind: str, organisation: Organisation, title: str,
               exclude: set[int] | frozenset = frozenset()) -> None:
    """Raise if this item would remove someone twice from the same post (DOMAIN §2)."""
    items_check(notice=notice, candidates=[Candidate(order, person, action, kind, organisation,
                                                     title)], exclude=exclude)


def item_fill(item: AppointmentItem) -> AppointmentItem:
    """Derived fields of an item entered by hand: printed name and probation end (试用期一年 →
    one year after the notice date)."""
    item.person_name = item.person_name or item.person.name
    item.probation_until = (probation_end(notice_date=item.notice.date,
                                          months=item.probation_months)
                            if item.probation_months else None)
    return item


@city_service(WHAT)
def notice_probations_refresh(*, actor=None, notice: AppointmentNotice) -> int:
    """After the notice date changes, every probation end follows it.

    The end is derived from the notice date, so it is rewritten inside ``deriving()`` even
    though the item itself is locked (issue 9 §4)."""
    changed = 0
    with authority.deriving():
        changed = _probations_follow(notice)
    return changed


def _probations_follow(notice: AppointmentNotice) -> int:
    changed = 0
    for item in notice.items.exclude(probation_months=None):
        end = probation_end(notice_date=notice.date, months=item.probation_months)
        if item.probation_until != end:
            item.probation_until = end
            item.save(update_fields=["probation_until"])
            flag = ProbationFlag.objects.filter(item=item).first()
            if flag is not None:  # the HR list shows the corrected end
                flag.probation_until = end
                flag.save(update_fields=["probation_until"])
            changed += 1
    return changed


@city_service(WHAT)
@transaction.atomic
def item_record(*, actor=None, notice: AppointmentNotice, order: int, name: str, action: str, kind: str,
                unit: str | Organisation, title: str, probation_months: int | None = None,
                election_text: str = "", text: str | None = None, person: Person | None = None,
                outcome: ParseResult | None = None,
                exclude: set[int] | frozenset = frozenset()) -> AppointmentItem:
    """One ordered item; the person is identified by name + unit (aliases resolved).
    ``text`` is the printed text (the gazette's); ``None`` (a file, which does not carry it)
    keeps the stored one, so re-importing an export changes nothing (issue 9 §4)."""
    outcome = outcome or ParseResult()
    name, title = clean(name), clean(title)
    organisation = unit if isinstance(unit, Organisation) else unit_resolve(unit)
    if action not in AppointmentItem.Action.values:
        raise ValidationError(f"{notice.number}第{order}项:任免应为“任”或“免去”")
    item_terms_check(order=order, action=action, probation_months=probation_months,
                     number=notice.number)
    existing = AppointmentItem.objects.filter(notice=notice, order=order).first()
    if text is None:
        text = existing.text if existing is not None else ""
    if person is None:
        if existing is not None and existing.person_name == name:
            person = existing.person
        else:
            person = person_identify(name=name, unit=organisation)
    values = dict(
        person=person, person_name=name, action=action, kind=kind, organisation=organisation,
        title=title, probation_months=probation_months or None,
        probation_until=probation_end(notice_date=notice.date, months=probation_months)
        if probation_months else None,
        election_confirmation=bool(election_text), election_text=election_text, text=text[:300],
    )
    if existing is None:
        check_item(notice=notice, order=order, person=person, action=action, kind=kind,
                   organisation=organisation, title=title, exclude=exclude)
        item = AppointmentItem.objects.create(notice=notice, order=order, **values)
        outcome.created += 1
        return item
    if any(getattr(existing, k) != values[k]
           for k in ("person", "action", "kind", "organisation", "title")):
        check_item(notice=notice, order=order, person=person, action=action, kind=kind,
                   organisation=organisation, title=title, exclude={existing.pk})
    if update_if_changed(existing, values):
        outcome.updated += 1
    return existing


ITEM_STATED = ("person_name", "action", "kind", "organisation", "title", "probation_months",
               "election_text")


def item_differences(item: AppointmentItem, *, name: str, action: str, kind: str,
                     organisation: Organisation, title: str, probation_months: int | None,
                     election_text: str) -> list[tuple[str, str, str]]:
    """What a restated item (a file row) says differently from the stored ``item``, as
    (field, stored, stated) in Chinese: a published item is never rewritten (issue 9 §4),
    so each is refused naming its field. The printed text and derived fields are not stated."""
    stated = AppointmentItem(person_name=clean(name), action=action, kind=kind,
                             organisation=organisation, title=clean(title),
                             probation_months=probation_months or None,
                             election_text=election_text)

    def shown(obj: AppointmentItem, key: str) -> str:
        if key in ("action", "kind"):
            return getattr(obj, f"get_{key}_display")()
        value = getattr(obj, key)
        return "" if value is None else str(value)

    return [(key, shown(item, key), shown(stated, key)) for key in ITEM_STATED
            if (item.organisation_id != organisation.pk if key == "organisation"
                else getattr(item, key) != getattr(stated, key))]


def _same_person(cache: dict[str, Person], name: str, organisation: Organisation,
                 outcome: ParseResult) -> Person:
    """Within one notice a name is one person, even under two units (徐威: 督查室 / 办公室)."""
    if name not in cache:
        cache[name] = person_identify(name=name, unit=organisation)
        return cache[name]
    person = cache[name]
    key = PersonKey.objects.filter(name=name, organisation=organisation).first()
    if key is None:
        PersonKey.objects.create(person=person, name=name, organisation=organisation)
    elif key.person_id != person.pk:
        outcome.messages.append(f"{name}在{organisation}已另有人员记录#{key.person_id},请核对是否同一人")
    return person


@city_service(WHAT)
@transaction.atomic
def notice_items_record(*, actor=None, notice: AppointmentNotice, parsed, outcome: ParseResult) -> None:
    """Store a parsed notice's items in order; the stored list then equals the text."""
    cache: dict[str, Person] = {}
    for order, item in enumerate(parsed.items, start=1):
        organisation = unit_resolve(item.unit)
        existing = AppointmentItem.objects.filter(notice=notice, order=order).first()
        if existing is not None and existing.person_name == item.name:
            cache.setdefault(item.name, existing.person)
            person = existing.person
        else:
            person = _same_person(cache, item.name, organisation, outcome)
        try:
            item_record(notice=notice, order=order, name=item.name, action=item.action,
                        kind=item.kind, unit=organisation, title=item.title,
                        probation_months=item.probation_months,
                        election_text=item.election_text, text=item.text, person=person,
                        outcome=outcome)
        except ValidationError as exc:
            outcome.messages.extend(exc.messages)
    # Items the text no longer lists go; a correction staff recorded (issue 9 §4) stays.
    extra = notice.items.filter(order__gt=len(parsed.items), corrects__isnull=True)
    if extra.exists():
        outcome.updated += extra.count()
        extra.delete()


@city_service(WHAT)
@transaction.atomic
def duty_division_record(*, actor=None, number: str, title: str, issuing_body: str, date: dt.date,
                         public: bool, duties, source_article=None,
                         unit: str = "衢州市人民政府办公室") -> ParseResult:
    """Store a duty division: each leader's titles, duties text and offices (分管/协助分管)."""
    outcome = ParseResult()
    number = str(DocumentNumber.parse(number))
    values = dict(title=title, issuing_body=issuing_body, date=date, public=public,
                  source_article=source_article)
    division = outcome.upsert(DutyDivision, {"number": number}, values)
    organisation = unit_resolve(unit)
    for order, duty in enumerate(duties, start=1):
        assignment = DutyAssignment.objects.filter(division=division, order=order).first()
        if assignment is not None and assignment.person_name == duty.name:
            person = assignment.person
        else:
            person = person_identify(name=duty.name, unit=organisation)
        values = dict(person=person, person_name=duty.name, titles=duty.titles,
                      duties=duty.duties)
        if assignment is None:
            assignment = DutyAssignment.objects.create(division=division, order=order, **values)
            outcome.created += 1
        elif update_if_changed(assignment, values):
            outcome.updated += 1
        wanted = {}
        for office_name, relation in duty.offices:
            office, created = Office.objects.get_or_create(name=clean(office_name))
            outcome.created += int(created)
            wanted[office.pk] = relation
        current = {link.office_id: link for link in assignment.offices.all()}
        for office_id, link in current.items():
            if office_id not in wanted:
                link.delete()
                outcome.updated += 1
            elif update_if_changed(link, {"relation": wanted[office_id]}):
                outcome.updated += 1
        for office_id, relation in wanted.items():
            if office_id not in current:
                DutyOffice.objects.create(assignment=assignment, office_id=office_id,
                                          relation=relation)
                outcome.created += 1
    extra = division.assignments.filter(order__gt=len(duties))
    if extra.exists():
        outcome.updated += extra.count()
        extra.delete()
    return outcome


def _still_holding(item: AppointmentItem, day: dt.date) -> bool:
    """A probation matters only while the post is still held."""
    held = selectors.tenures(person=item.person, organisation=item.organisation, title=item.title,
                             kind=item.kind)
    return any(t.since == item.notice.date and t.held_on(day) for t in held)


@city_service(WHAT)
@transaction.atomic
def probation_flags_raise(*, actor=None, today: dt.date, days: int = 30) -> list[ProbationFlag]:
    """Nightly: flag probations ending within ``days`` for HR and queue one internal notice each.

    Idempotent: one flag per item (OneToOne), one notice per item (outbox source key).
    """
    flags = []
    for item in selectors.probations_ending(today=today, days=days).filter(flag__isnull=True):
        if not _still_holding(item, today):
            continue
        notice = queue_notice(
            channel=Notice.Channel.INTERNAL, recipient=HR_RECIPIENT, recipient_kind="人事",
            subject=f"{item.person_name}试用期将于{item.probation_until}期满",
            body=(f"{item.person_name}({item.organisation.name}{item.title})依据"
                  f"{item.notice.number}试用期一年,将于{item.probation_until}期满,请及时考核。"),
            topic=PROBATION_TOPIC, source=f"appointment-item:{item.pk}",
        )
        flag, _ = ProbationFlag.objects.get_or_create(
            item=item, defaults={"flagged_on": today, "probation_until": item.probation_until,
                                 "notice": notice})
        flags.append(flag)
    return flags


def _void(*, item: AppointmentItem, reason: str, actor,
          replacement: AppointmentItem | None = None) -> AppointmentItemVoid:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("作废或更正任免事项必须填写原因")
    if AppointmentItemVoid.objects.filter(item=item).exists():
        raise ValidationError(f"“{item}”已作废,不能重复作废")
    void = AppointmentItemVoid.objects.create(
        item=item, replacement=replacement, reason=reason[:300],
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        actor_name=authority.actor_label(actor)[:150])
    changes = {"notice": [item.notice.number, None], "order": [item.order, None],
               "person_name": [item.person_name, None], "action": [item.action, None],
               "kind": [item.kind, None], "organisation": [item.organisation.name, None],
               "title": [item.title, None], "作废": [False, True]}
    if item.probation_until:
        changes["probation_until"] = [item.probation_until.isoformat(), None]
    if replacement is not None:
        changes["更正为"] = [None, str(replacement)]
    ProbationFlag.objects.filter(item=item).delete()  # no reminder for a voided appointment
    verb = "更正" if replacement is not None else "作废"
    audit.record(AuditEvent.Action.VOID, actor=actor, obj=item, changes=changes,
                 note=f"{verb}任免事项:{reason}"[:500])
    return void


@city_service(WHAT)
@transaction.atomic
def item_void(*, item: AppointmentItem, reason: str, actor=None) -> AppointmentItemVoid:
    """Declare an appointment item wrong (issue 9 §4): it stays recorded, the roster, post
    histories, probation reminders and the double-removal check ignore it from now on;
    audited as 作废 with the old values."""
    return _void(item=item, reason=reason, actor=actor)


@city_service(WHAT)
@transaction.atomic
def item_correct(*, item: AppointmentItem, reason: str, action: str | None = None,
                 kind: str | None = None, unit: str | Organisation | None = None,
                 title: str | None = None, name: str | None = None,
                 probation_months: int | None = None, actor=None) -> AppointmentItemVoid:
    """Correct an appointment item (issue 9 §4): a new item in the same notice carries the
    right values (unchanged ones copied), the old one is voided naming it; the roster then
    follows the correction. Checked like any item (no second removal)."""
    if not (reason or "").strip():
        raise ValidationError("作废或更正任免事项必须填写原因")
    notice = item.notice
    order = (notice.items.order_by("-order").values_list("order", flat=True).first() or 0) + 1
    new_name = name if name is not None else item.person_name
    replacement = item_record(
        notice=notice, order=order, name=new_name,
        action=action or item.action, kind=kind or item.kind,
        unit=unit if unit is not None else item.organisation,
        title=title if title is not None else item.title,
        probation_months=(probation_months if probation_months is not None
                          else item.probation_months),
        election_text=item.election_text, text=f"更正第{item.order}项:{reason}"[:300],
        person=item.person if new_name == item.person_name else None,
        exclude={item.pk}, actor=actor)
    return _void(item=item, reason=reason, actor=actor, replacement=replacement)
