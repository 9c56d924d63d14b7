"""Awards writes: identifying people, recording decisions, merging and splitting identities."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction

from apps.core import audit, authority
from apps.core.acting import city_service
from apps.core.audit import record_bulk
from apps.core.docnumbers import DocumentNumber, InvalidDocumentNumber
from apps.core.models import AuditEvent, Organisation
from apps.core.services import organisation_find, organisation_resolve, update_if_changed
from apps.core.text import clean
from apps.gazette.registry import ParseResult

from . import parsing, people
from .models import AwardKind, Decision, Person, PersonKey, Recipient, RecipientVoid, Section

WHAT = "表彰奖励"


def _unit(name: str) -> Organisation | None:
    name = clean(name)
    return organisation_resolve(name) if name else None


@city_service(WHAT)
@transaction.atomic
def person_identify(*, actor=None, name: str, unit: str | Organisation | None) -> Person:
    """The person known by ``name`` at ``unit`` (aliases resolved), created if new (DOMAIN §1)."""
    name = clean(name)
    organisation = _unit(unit) if isinstance(unit, str) else unit
    key = PersonKey.objects.select_related("person").filter(
        name=name, organisation=organisation).first()
    if key is not None:
        return key.person
    person = Person.objects.create(name=name)
    PersonKey.objects.create(person=person, name=name, organisation=organisation)
    return person


def person_lookup(*, name: str, unit: str | None = None) -> list[Person]:
    """People called ``name`` (at ``unit`` when given, through aliases)."""
    keys = PersonKey.objects.filter(name=clean(name))
    if unit:
        organisation = organisation_find(clean(unit))
        if organisation is None:
            return []
        keys = keys.filter(organisation=organisation)
    ids = keys.values_list("person_id", flat=True)
    return list(Person.objects.filter(pk__in=ids).order_by("pk"))


def merge_check(*, people: list[Person]) -> None:
    """DOMAIN §1: only people of the same name are one person; a merge needs two of them.
    Every path (admin action, service, command) checks here."""
    if len(people) < 2:
        raise ValidationError("请至少选择两个人员")
    first = people[0]
    for other in people[1:]:
        if clean(other.name) != clean(first.name):
            raise ValidationError(f"“{first.name}”与“{other.name}”姓名不同,不能合并为同一人")


@city_service(WHAT)
@transaction.atomic
def person_merge(*, keep: Person, merge: Person, actor=None) -> Person:
    """Merge ``merge`` into ``keep``: one person; every registered reference (keys, honours,
    posts, duties: ``people.references``) moves (DOMAIN §1).

    The moves are bulk updates, so one audit record names the two people and what moved.
    Only people of the same name are one person (``merge_check``); county-level staff may
    not merge (issue 9 §1).
    """
    if keep.pk == merge.pk:
        return keep
    merge_check(people=[keep, merge])
    moved = {}
    for ref in people.references():
        moved[ref.label] = ref.model._base_manager.filter(
            **{ref.field: merge}).update(**{ref.field: keep})
    record_bulk(actor=actor, model=Person,
                note=f"合并人员:{merge.name}#{merge.pk}并入{keep.name}#{keep.pk}",
                counts={"merged": 1, **{k: v for k, v in moved.items() if v}},
                object_ids=[keep.pk, merge.pk])
    merge.delete()
    return keep


@city_service(WHAT)
@transaction.atomic
def person_split_key(*, key: PersonKey, actor=None) -> Person:
    """Give the name + unit ``key`` its own person, with every record made under it
    (the registered references that follow a split).

    Used when two different people share a name in different units and were merged.
    """
    old = key.person
    if old.keys.count() < 2:
        raise ValueError(f"“{old}”只有一个识别键,无需拆分")
    new = Person.objects.create(name=key.name, note=f"由人员#{old.pk}拆分")
    key.person = new
    key.save(update_fields=["person"])
    moved = {}
    for ref in people.references():
        if ref.follows_split:
            moved[ref.label] = ref.model._base_manager.filter(
                **{ref.field: old}, person_name=key.name,
                organisation=key.organisation).update(**{ref.field: new})
    record_bulk(actor=actor, model=Person,
                note=f"拆分人员:从{old.name}#{old.pk}拆分出#{new.pk}({key})",
                counts={"split": 1, **{k: v for k, v in moved.items() if v}},
                object_ids=[old.pk, new.pk])
    return new


@city_service(WHAT)
@transaction.atomic
def decision_record(*, actor=None, number: str, title: str, issuing_body: str, date: dt.date, public: bool,
                    kind: str = Decision.Kind.DECISION, basis: str = "",
                    source_article=None, outcome: ParseResult | None = None) -> Decision:
    """Create or update a decision by its number (any bracket form)."""
    outcome = outcome or ParseResult()
    parts = DocumentNumber.parse(number)
    values = dict(issuer_code=parts.issuer, year=parts.year, serial=parts.serial, kind=kind,
                  title=title, issuing_body=issuing_body, date=date, basis=basis, public=public)
    if source_article is not None:  # a file import keeps the gazette link of a decision
        values["source_article"] = source_article
    return outcome.upsert(Decision, {"number": str(parts)}, values)


KIND_LABELS = {label: value for value, label in Decision.Kind.choices}


def decision_kind(text: str) -> str:
    """文种: 决定 or 通报 (label or stored value); blank is 决定 (衢政发〔2020〕12–15号 are
    决定). Anything else is refused (code ``kind``)."""
    text = clean(text)
    if not text:
        return Decision.Kind.DECISION
    if text in KIND_LABELS.values():
        return text
    if text not in KIND_LABELS:
        raise ValidationError(f"文种应为“决定”或“通报”,实际为“{text[:20]}”", code="kind")
    return KIND_LABELS[text]


@city_service(WHAT)
@transaction.atomic
def recipient_record(*, actor=None, section: Section, order: int, text: str, name: str, unit: str = "",
                     outcome: ParseResult | None = None) -> Recipient:
    """One listed recipient at ``order``: a collective (organisation) or a person at a unit."""
    outcome = outcome or ParseResult()
    text, name, unit = clean(text), clean(name), clean(unit)
    award = AwardKind(section.award) if section.award else None
    if award is not None and award.collective:
        values = dict(text=text, organisation=organisation_resolve(name), unit_text="",
                      person_name="")
    else:
        values = dict(text=text, organisation=_unit(unit), unit_text=unit, person_name=name)
    recipient = Recipient.objects.filter(section=section, order=order).first()
    if recipient is None:
        recipient = Recipient(section=section, order=order, **values)
        if values["person_name"]:
            recipient.person = person_identify(name=name, unit=values["organisation"])
        recipient.save()
        outcome.created += 1
        return recipient
    identity_changed = (recipient.person_name, recipient.organisation) != (
        values["person_name"], values["organisation"])
    if identity_changed:
        values["person"] = (person_identify(name=name, unit=values["organisation"])
                            if values["person_name"] else None)
    if update_if_changed(recipient, values):
        outcome.updated += 1
    return recipient


@city_service(WHAT)
@transaction.atomic
def decision_sections_record(*, actor=None, decision: Decision, parsed: parsing.ParsedDecision,
                             outcome: ParseResult) -> None:
    """Store the parsed sections and recipients; the stored list then equals the text."""
    stored: list[Section] = []
    for order, item in enumerate(parsed.sections, start=1):
        values = dict(
            title=item.title, declared_count=item.declared,
            award=AwardKind.from_label(item.award).value if item.award else "",
            parent=stored[item.parent] if item.parent is not None else None,
        )
        section = outcome.upsert(Section, {"decision": decision, "order": order}, values)
        stored.append(section)
        for position, recipient in enumerate(item.recipients, start=1):
            recipient_record(section=section, order=position, text=recipient.text,
                             name=recipient.name, unit=recipient.unit, outcome=outcome)
        # Rows the text no longer lists go; a correction staff recorded (issue 9 §4) stays.
        extra = section.recipients.filter(order__gt=len(item.recipients), corrects__isnull=True)
        if extra.exists():
            outcome.updated += extra.count()
            extra.delete()
    extra_sections = decision.sections.filter(order__gt=len(parsed.sections))
    if extra_sections.exists():
        outcome.updated += extra_sections.count()
        extra_sections.delete()


def section_declared_check(*, section: Section | None, declared: int | None) -> bool:
    """A file's 公布数量 for a stored section (DOMAIN §1: the count declared in the heading,
    reconciled with the list). A stated count is the published decision's and is not
    rewritten by a file (issue 9 §4), nor is one added to a gazette-printed heading that
    states none; a file-registered section without a count may be given one: returns True
    when ``declared`` is to be set. Raises ``ValidationError`` (code ``declared``)."""
    if section is None or declared is None or section.declared_count == declared:
        return False
    where = f"表彰决定{section.decision.number}栏目“{section.title}”"
    if section.declared_count is not None:
        raise ValidationError(f"{where}已登记的公布数量为{section.declared_count},文件中为"
                              f"{declared};已登记的公布数量不能由文件修改", code="declared")
    if section.decision.source_article_id is not None:
        raise ValidationError(f"{where}在政报刊登的标题中未写明公布数量,不能由文件补写"
                              f"(文件中为{declared})", code="declared")
    return True


def import_sections(decision: Decision, title: str, award: AwardKind) -> list[Section]:
    """The decision's sections an imported row's 栏目 and 奖励类别 name, in order."""
    return list(decision.sections.filter(title=title, award=award.value).order_by("order"))


def _import_section(decision: Decision, title: str, award: AwardKind,
                    declared: int | None = None) -> Section | None:
    """The section an imported row belongs to (DOMAIN §1). A decision may print two headings
    with one title (衢政发〔2020〕14号: 个人二等功(18人) and 个人二等功(1人)): the row's
    公布数量 picks the one declaring it; a row that picks none or both is refused, naming
    every section of that title (``ValidationError`` code ``declared``)."""
    sections = import_sections(decision, title, award)
    if len(sections) <= 1:
        return sections[0] if sections else None
    picked = [s for s in sections if declared is not None and s.declared_count == declared]
    if len(picked) == 1:
        return picked[0]
    named = "、".join(f"第{s.order}栏“{s.title}”(公布数量"
                     f"{'未写明' if s.declared_count is None else s.declared_count})"
                     for s in sections)
    stated = "未填写公布数量" if declared is None else f"公布数量{declared}"
    raise ValidationError(f"表彰决定{decision.number}有{len(sections)}个栏目“{title}”:{named};"
                          f"本行{stated},不能确定属于哪一栏,请填写该栏的公布数量",
                          code="declared")


def recipient_import_check(*, number: str, award_label: str, name: str, unit: str,
                           section_title: str = "",
                           declared: int | None = None) -> tuple[Decision, AwardKind]:
    """An imported recipient's rules (DOMAIN §1): the decision is recorded before its list,
    the award is one of the kinds of 衢政发〔2020〕12–15号, a recipient has a name, a
    person (not a collective) has a work unit, and a stored section's 公布数量 is not
    rewritten (``section_declared_check``). Each ``ValidationError`` carries the field
    (``number``, ``award``, ``name``, ``unit``, ``section``, ``declared``) as its code."""
    try:
        normalised = str(DocumentNumber.parse(number))
    except InvalidDocumentNumber as exc:
        raise ValidationError(str(exc), code="number") from exc
    decision = Decision.objects.filter(number=normalised).first()
    if decision is None:
        raise ValidationError(f"文号“{normalised}”的表彰决定不存在,请先导入决定", code="number")
    try:
        award = AwardKind.from_label(clean(award_label))
    except ValueError as exc:
        raise ValidationError(str(exc)[:60], code="award") from exc
    name, unit = clean(name), clean(unit)
    if not name:
        raise ValidationError("姓名或集体不能为空", code="name")
    if not award.collective and not unit:
        raise ValidationError(f"个人“{name}”缺少单位", code="unit")
    longest = {"name": (Organisation if award.collective else Recipient)._meta.get_field(
        "name" if award.collective else "person_name").max_length,
        "unit": Recipient._meta.get_field("unit_text").max_length,
        "section": Section._meta.get_field("title").max_length}
    for code, value in (("name", name), ("unit", unit), ("section", clean(section_title))):
        if len(value) > longest[code]:
            raise ValidationError(f"超过{longest[code]}个字符", code=code)
    section_declared_check(section=_import_section(decision, clean(section_title) or award.label,
                                                   award, declared), declared=declared)
    return decision, award


@city_service(WHAT)
@transaction.atomic
def recipient_import(*, actor=None, number: str, section_title: str, award_label: str,
                     declared: int | None, name: str, unit: str,
                     notes: list[str] | None = None) -> tuple[Recipient, bool]:
    """One imported row (``recipient_import_check``); the section is created on first use.

    A row already present (same section and text) is not added twice: ``(recipient, False)``.
    A file-registered section without a 公布数量 takes the row's; what changed is said in
    ``notes`` (``section_declared_check``).
    """
    decision, award = recipient_import_check(number=number, award_label=award_label,
                                             name=name, unit=unit, section_title=section_title,
                                             declared=declared)
    name, unit = clean(name), clean(unit)
    title = clean(section_title) or award.label
    section = _import_section(decision, title, award, declared)
    if section is not None and section_declared_check(section=section, declared=declared):
        update_if_changed(section, {"declared_count": declared})
        if notes is not None:
            notes.append(f"表彰决定{decision.number}栏目“{title}”公布数量:未写明→{declared}")
    if section is None:
        order = (decision.sections.order_by("-order").values_list("order", flat=True).first()
                 or 0) + 1
        section = Section.objects.create(decision=decision, order=order, title=title,
                                         award=award.value, declared_count=declared)
    text = name if award.collective else f"{name}({unit})"
    existing = section.recipients.filter(text=text).first()
    if existing is not None:
        return existing, False
    order = (section.recipients.order_by("-order").values_list("order", flat=True).first()
             or 0) + 1
    return recipient_record(section=section, order=order, text=text, name=name, unit=unit), True


def _void(*, recipient: Recipient, reason: str, actor,
          replacement: Recipient | None = None) -> RecipientVoid:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("作废或更正受表彰对象必须填写原因")
    if RecipientVoid.objects.filter(recipient=recipient).exists():
        raise ValidationError(f"“{recipient}”已作废,不能重复作废")
    void = RecipientVoid.objects.create(
        recipient=recipient, replacement=replacement, reason=reason[:300],
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        actor_name=authority.actor_label(actor)[:150])
    changes = {"text": [recipient.text, None], "person_name": [recipient.person_name, None],
               "unit_text": [recipient.unit_text, None],
               "section": [str(recipient.section), None], "作废": [False, True]}
    if replacement is not None:
        changes["更正为"] = [None, replacement.text]
    verb = "更正" if replacement is not None else "作废"
    audit.record(AuditEvent.Action.VOID, actor=actor, obj=recipient, changes=changes,
                 note=f"{verb}受表彰对象:{reason}"[:500])
    return void


@city_service(WHAT)
@transaction.atomic
def recipient_void(*, recipient: Recipient, reason: str, actor=None) -> RecipientVoid:
    """Declare a listed recipient wrong (issue 9 §4): it stays recorded, but lists, counts,
    honours, exports and the API leave it out from now on; audited as 作废 with old values."""
    return _void(recipient=recipient, reason=reason, actor=actor)


@city_service(WHAT)
@transaction.atomic
def recipient_correct(*, recipient: Recipient, reason: str, name: str, unit: str = "",
                      actor=None) -> RecipientVoid:
    """Correct a listed recipient (a misprinted name or unit, issue 9 §4): a new recipient
    in the same section replaces it (the person is identified anew by name + unit) and the
    old one is voided, naming its replacement; nothing is edited."""
    if not (reason or "").strip():
        raise ValidationError("作废或更正受表彰对象必须填写原因")
    section = recipient.section
    name, unit = clean(name), clean(unit)
    award = AwardKind(section.award) if section.award else None
    text = name if (award is not None and award.collective) or not unit else f"{name}({unit})"
    order = (section.recipients.order_by("-order").values_list("order", flat=True).first()
             or 0) + 1
    replacement = recipient_record(section=section, order=order, text=text, name=name,
                                   unit=unit, actor=actor)
    return _void(recipient=recipient, reason=reason, actor=actor, replacement=replacement)
