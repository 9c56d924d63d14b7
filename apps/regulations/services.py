"""Registry writes: documents, status events, campaigns, repeal links, nightly transitions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, transaction
from django.db.models import QuerySet
from django.utils import timezone

from apps.core import audit, authority
from apps.core.acting import city_service
from apps.core.docnumbers import DocumentNumber
from apps.core.models import AuditEvent, Organisation
from apps.core.services import organisation_resolve, organisation_successor_record
from apps.core.text import normalise_name

from .models import (
    DELETING,
    OUTCOME_STATUS,
    CampaignItem,
    CleanupCampaign,
    DocumentLink,
    NormativeDocument,
    Outcome,
    ReconciliationReport,
    Status,
    StatusEvent,
    StatusEventVoid,
    StatusPeriod,
)
from .periods import Event, Link, derive
from .selectors import REPLACING_KINDS, live_events

WHAT = "规范性文件库"


def document_find(number: str | DocumentNumber) -> NormativeDocument | None:
    """The registry record for a number written in any bracket form."""
    parsed = number if isinstance(number, DocumentNumber) else DocumentNumber.parse(number)
    return NormativeDocument.objects.filter(number=str(parsed)).first()


@city_service(WHAT)
@transaction.atomic
def document_register(*, actor=None, number: DocumentNumber | str | None, title: str,
                      issuer: Organisation | None = None, date: dt.date | None = None,
                      public: bool | None = None, source: str = "") -> tuple[NormativeDocument, bool, bool]:
    """Find or create a document; fill blanks, never overwrite known values.

    Returns (document, created, updated). A document with no number (named only by title
    and date, 衢环发〔2020〕73号 第六条) is keyed by title and date.
    """
    if number is not None and not isinstance(number, DocumentNumber):
        number = DocumentNumber.parse(number)
    if number is not None:
        doc = NormativeDocument.objects.filter(number=str(number)).first()
    else:
        doc = NormativeDocument.objects.filter(number=None, title=title, date=date).first()
    if doc is None:
        doc = NormativeDocument.objects.create(
            number=str(number) if number else None,
            number_issuer_code=number.issuer if number else "",
            number_year=number.year if number else None,
            number_serial=number.serial if number else None,
            title=title[:300], issuer=issuer, date=date, public=bool(public), source=source[:200])
        return doc, True, False
    changes = {}
    if not doc.title and title:
        changes["title"] = title[:300]
    if doc.issuer_id is None and issuer is not None:
        changes["issuer"] = issuer
    if doc.date is None and date is not None:
        changes["date"] = date
    if public and not doc.public:
        changes["public"] = True
    for key, value in changes.items():
        setattr(doc, key, value)
    if changes:
        doc.save()
    return doc, False, bool(changes)


def documents_titled(title: str) -> list[NormativeDocument]:
    """Registry records whose title is ``title`` in any bracket width or spacing (issue 10
    §11, §14: a repeal clause may name a document by its title alone)."""
    wanted = normalise_name(title)
    if not wanted:
        return []
    exact = list(NormativeDocument.objects.filter(title=wanted).order_by("pk"))
    if exact:
        return exact
    # Titles stored before the one cleaner (typed with （） or spaces) are compared cleaned.
    first = wanted[:4]
    return [doc for doc in NormativeDocument.objects.filter(title__contains=first).order_by("pk")
            if normalise_name(doc.title) == wanted]


@city_service(WHAT)
@transaction.atomic
def document_issuer_rederive(*, actor=None, document: NormativeDocument, issuer: Organisation,
                             instead_of: Organisation) -> bool:
    """The gazette importer once registered a listed document under the campaign's publisher;
    the printed item names its own issuer (issue 10 §12: 衢州市食品药品监督管理局 …). Only a
    record still carrying exactly that derived value is corrected; a value entered by staff
    is never overwritten. Returns whether the record changed (audited through its history)."""
    if document.issuer_id != instead_of.pk or issuer == instead_of:
        return False
    document.issuer = issuer
    document.save(update_fields=["issuer"])
    return True


def _plain(title: str) -> str:
    return normalise_name(title)


def title_conflict(*, document: NormativeDocument, title: str, where: str) -> dict | None:
    """DOMAIN §3 data quality: another source gives the same number a different title.

    The registered title is kept (document_register never overwrites) and the difference
    becomes a finding for the reconciliation report, never a silent choice.
    """
    if not title or not document.title or _plain(title) == _plain(document.title):
        return None
    source = f",来源:{document.source}" if document.source else ""
    return {"kind": "title_conflict", "number": document.number or "",
            "registered": document.title, "printed": title,
            "message": f"{where}{document.label}印作“{title}”,与已登记标题“{document.title}”"
                       f"不同{source};保留已登记标题,请核对"}


@city_service(WHAT)
@transaction.atomic
def findings_record(*, actor=None, source_number: str, findings: list[dict]) -> ReconciliationReport:
    """Add findings (by message, once) to the report staff read in the admin."""
    report, _ = ReconciliationReport.objects.get_or_create(source_number=source_number[:60])
    known = {f.get("message") for f in report.findings}
    new = [f for f in findings if f.get("message") not in known]
    if new:
        report.findings = [*report.findings, *new]
        report.save()
    return report


def _event(*, lookup: dict, defaults: dict) -> tuple[StatusEvent, bool, bool]:
    """get_or_create an event; update it when the source now says something else.

    Events are locked (issue 9 §4): the update succeeds only for the gazette importer,
    which re-derives its own events inside ``authority.deriving()``; any other source
    that contradicts a recorded event is refused and must void/correct it instead."""
    event = StatusEvent.objects.filter(**lookup).first()
    if event is None:
        return StatusEvent.objects.create(**lookup, **defaults), True, False
    changed = {k: v for k, v in defaults.items() if getattr(event, k) != v}
    for key, value in changed.items():
        setattr(event, key, value)
    if changed:
        event.save()
    return event, False, bool(changed)


def _baseline(document: NormativeDocument, *, note: str, campaign=None) -> int:
    """The undated 有效 a document had before the first recorded act (kept as first written)."""
    _, made = StatusEvent.objects.get_or_create(
        document=document, cause=StatusEvent.Cause.BASELINE,
        defaults={"status": Status.IN_FORCE, "effective_date": None, "campaign": campaign,
                  "note": note})
    return int(made)


@city_service(WHAT)
def baseline_record(*, actor=None, document: NormativeDocument, note: str) -> int:
    """An undated 有效 for a document known to be current (an amended one stays in force)."""
    return _baseline(document, note=note)


@city_service(WHAT)
@transaction.atomic
def publication_record(*, actor=None, document: NormativeDocument, signed: dt.date | None,
                       effective: dt.date | None) -> tuple[int, int]:
    """A published document: 尚未生效 from signing, 有效 from its 施行 date."""
    created = updated = 0
    start = effective or signed
    if start is None:
        return 0, 0
    if signed and effective and signed < effective:
        _, c, u = _event(lookup={"document": document, "cause": StatusEvent.Cause.ISSUED,
                                 "status": Status.NOT_YET_IN_FORCE},
                         defaults={"effective_date": signed, "note": "已印发,尚未施行"})
        created, updated = created + c, updated + u
    _, c, u = _event(lookup={"document": document, "cause": StatusEvent.Cause.ISSUED,
                             "status": Status.IN_FORCE},
                     defaults={"effective_date": start, "note": "自施行日起有效"})
    return created + c, updated + u


@city_service(WHAT)
@transaction.atomic
def campaign_outcome_record(*, actor=None, campaign: CleanupCampaign, document: NormativeDocument,
                            outcome: str) -> tuple[int, int]:
    """DOMAIN §3: a campaign changes statuses on its effective date, not before.

    A listed document was current before the campaign: it gets an undated 有效 baseline.
    """
    created = updated = 0
    if not live_events().filter(document=document).exclude(cause=StatusEvent.Cause.BASELINE).filter(
            effective_date__lt=campaign.effective_date).exists():
        created += _baseline(document, campaign=campaign,
                             note="清理目录列为现行规范性文件,原施行日期不详")
    status = OUTCOME_STATUS[Outcome(outcome)]
    deadline = campaign.revise_deadline if status == Status.TO_REVISE else None
    if status == Status.TO_REVISE and deadline is None:
        raise ValueError(f"清理工作{campaign.number}未写明需修改文件的有效期截止日期,无法登记需修改结果")
    note = {Status.IN_FORCE: "清理确认继续有效", Status.TO_REVISE: f"需修改,有效期截止到{deadline}",
            Status.REPEALED: "清理决定废止", Status.INVALID: "清理宣布失效"}[status]
    _, c, u = _event(lookup={"document": document, "campaign": campaign,
                             "cause": StatusEvent.Cause.CAMPAIGN},
                     defaults={"status": status, "effective_date": campaign.effective_date,
                               "deadline": deadline, "note": note})
    return created + c, updated + u


@city_service(WHAT)
@transaction.atomic
def campaign_item_record(*, actor=None, campaign: CleanupCampaign, document: NormativeDocument, outcome: str,
                         position: int, number_as_printed: str = "",
                         title_as_printed: str = "") -> tuple[CampaignItem, bool, bool, str | None]:
    """Store a list row once per document; a repeated row is noted on the first one.

    Returns (item, created, updated, duplicate message or None).
    """
    item = CampaignItem.objects.filter(campaign=campaign, document=document).first()
    if item is not None and (item.outcome, item.position) != (outcome, position):
        where = f"{Outcome(outcome).label}目录第{position}项"
        first = f"{item.get_outcome_display()}目录第{item.position}项"
        message = f"{document.label}在{first}和{where}重复列出,只登记一次"
        if item.outcome != outcome:
            message += f"(两处结果不同:{item.get_outcome_display()}/{Outcome(outcome).label},以第一处为准)"
        if position not in item.duplicate_positions:
            item.duplicate_positions = [*item.duplicate_positions, position]
            item.save()
            return item, False, True, message
        return item, False, False, message
    values = {"outcome": outcome, "position": position, "number_as_printed": number_as_printed,
              "title_as_printed": title_as_printed}
    if item is None:
        item = CampaignItem.objects.create(campaign=campaign, document=document, **values)
        return item, True, False, None
    changed = {k: v for k, v in values.items() if getattr(item, k) != v}
    for key, value in changed.items():
        setattr(item, key, value)
    if changed:
        item.save()
    return item, False, bool(changed), None


@city_service(WHAT)
@transaction.atomic
def repeal_record(*, actor=None, repealer: NormativeDocument, target: NormativeDocument,
                  effective: dt.date, kind: str = DocumentLink.Kind.REPEALS,
                  clause: str = "") -> tuple[int, int]:
    """“原…同时废止”: link both documents and repeal the old one from the new one's 施行 date."""
    created = updated = 0
    link, made = DocumentLink.objects.get_or_create(
        source=repealer, target=target, kind=kind,
        defaults={"effective_date": effective, "clause": clause[:2000]})
    if made:
        created += 1
    elif (link.effective_date, link.clause) != (effective, clause[:2000]):
        link.effective_date, link.clause = effective, clause[:2000]
        link.save()
        updated += 1
    if kind == DocumentLink.Kind.AMENDS:
        return created, updated
    if not live_events().filter(document=target, effective_date__lt=effective).exists():
        created += _baseline(target, note=f"{repealer.label}废止前为有效文件,原施行日期不详")
    verb = "废止" if kind == DocumentLink.Kind.REPEALS else "替代"
    _, c, u = _event(lookup={"document": target, "repealed_by": repealer,
                             "cause": StatusEvent.Cause.REPEAL},
                     defaults={"status": Status.REPEALED, "effective_date": effective,
                               "note": f"被{repealer.label}{verb}"})
    return created + c, updated + u


@city_service(WHAT)
@transaction.atomic
def event_record(*, actor=None, document: NormativeDocument, status: str, effective_date: dt.date,
                 note: str = "", deadline: dt.date | None = None,
                 cause: str = StatusEvent.Cause.MANUAL) -> StatusEvent:
    """Staff (or a bureau's spreadsheet) record a dated status change."""
    if status == Status.TO_REVISE and deadline is None:
        raise ValueError(f"{document.label}:需修改必须填写修改截止日期")
    if status != Status.TO_REVISE:
        deadline = None
    return StatusEvent.objects.create(document=document, status=status,
                                      effective_date=effective_date, note=note[:300],
                                      deadline=deadline, cause=cause)


@city_service(WHAT)
@transaction.atomic
def transitions_apply(*, today: dt.date | None = None, actor=None) -> dict[str, int]:
    """Nightly (DOMAIN §3): confirm events whose date has come; lapse 需修改 past deadline.

    Idempotent: events are claimed with a conditional update, a lapse is one row per
    document (constraint ``event_baseline_lapse_once``); a second run finds nothing.
    """
    from .selectors import standing_on

    today = today or timezone.localdate()
    now = timezone.now()
    # A bulk update sends no signals: the level was checked by @city_service, and the
    # confirmation time is bookkeeping of the job, not a change of the recorded event.
    applied = live_events().filter(applied_at__isnull=True, effective_date__lte=today).update(
        applied_at=now)
    lapsed = 0
    due = (live_events().filter(status=Status.TO_REVISE, deadline__lt=today)
           .select_related("document"))
    for document in {event.document for event in due}:
        standing = standing_on(document, today)
        if not standing.lapse_derived:  # re-issued, replaced, or the lapse is already a row
            continue
        deadline = standing.event.deadline
        StatusEvent.objects.create(
            document=document, status=Status.INVALID, cause=StatusEvent.Cause.LAPSE,
            effective_date=deadline + dt.timedelta(days=1), applied_at=now,
            note=f"需修改文件有效期已于{deadline}截止,未重新公布,自动失效")
        lapsed += 1
    counts = {"applied": applied, "lapsed": lapsed}
    if applied or lapsed:
        audit.record_bulk(actor=actor, model=StatusEvent, note=f"规范性文件夜间状态处理 {today}",
                          counts=counts)
    return counts


def _void(*, event: StatusEvent, reason: str, actor, replacement: StatusEvent | None = None,
          ) -> StatusEventVoid:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("作废或更正状态变更必须填写原因")
    if StatusEventVoid.objects.filter(event=event).exists():
        raise ValidationError(f"{event}已作废,不能重复作废")
    void = StatusEventVoid.objects.create(
        event=event, reason=reason[:300], replacement=replacement,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        actor_name=authority.actor_label(actor)[:150])
    changes = {"status": [event.status, None],
               "effective_date": [event.effective_date.isoformat() if event.effective_date else None,
                                  None],
               "cause": [event.cause, None], "note": [event.note, None], "作废": [False, True]}
    if event.deadline:
        changes["deadline"] = [event.deadline.isoformat(), None]
    if replacement is not None:
        changes["更正为"] = [None, str(replacement)]
    verb = "更正" if replacement is not None else "作废"
    audit.record(AuditEvent.Action.VOID, actor=actor, obj=event, changes=changes,
                 note=f"{verb}状态变更:{reason}"[:500])
    return void


@city_service(WHAT)
@transaction.atomic
def event_void(*, event: StatusEvent, reason: str, actor=None) -> StatusEventVoid:
    """Declare a recorded status change wrong (issue 9 §4): it stays recorded, the status on
    a date and the timeline ignore it from now on; audited as 作废 with the old values."""
    return _void(event=event, reason=reason, actor=actor)


@city_service(WHAT)
@transaction.atomic
def event_correct(*, event: StatusEvent, reason: str, status: str, effective_date: dt.date,
                  deadline: dt.date | None = None, note: str = "",
                  actor=None) -> StatusEventVoid:
    """Correct a recorded status change (issue 9 §4): a new manual event with the right
    values, and a void of the wrong one that names it; both audited, nothing edited."""
    if not (reason or "").strip():
        raise ValidationError("作废或更正状态变更必须填写原因")
    replacement = event_record(document=event.document, status=status,
                               effective_date=effective_date, deadline=deadline,
                               note=note or f"更正:{reason}", actor=actor)
    return _void(event=event, reason=reason, actor=actor, replacement=replacement)


def issuer_for(name: str) -> Organisation | None:
    return organisation_resolve(name, kind=Organisation.Kind.DEPARTMENT) if name else None


def former_issuer_record(*, former: Organisation, successor: Organisation | None) -> tuple[int, str]:
    """A former body whose document a current body cleans up or repeals (issue 10 §12): its
    successor is that body (core ``organisation_successor_record``). (updated, message)."""
    if successor is None:
        return 0, ""
    changed, message = organisation_successor_record(former=former, successor=successor)
    return int(changed), message


# --- status periods (the derived table the 状态 filter reads, issue 13 §1) ---------------

PERIOD_CHUNK = 2000


def _rebuild_chunk(documents: QuerySet[NormativeDocument]) -> int:
    """Rebuild the periods of ``documents`` (one bounded chunk): four queries in all, on the
    database ``documents`` reads (``loaddata --database``)."""
    using = documents.db
    docs = {pk: (date, year) for pk, date, year in documents.values_list("pk", "date", "number_year")}
    if not docs:
        return 0
    ids = sorted(docs)
    events: dict[int, list[Event]] = {pk: [] for pk in ids}
    links: dict[int, list[Link]] = {pk: [] for pk in ids}
    for row in (live_events().using(using).filter(document_id__in=ids)
                .values_list("document_id", "id", "status", "effective_date", "cause", "deadline")):
        events[row[0]].append(Event(*row[1:]))
    for target, kind, effective in (DocumentLink.objects.using(using)
                                    .filter(target_id__in=ids, kind__in=REPLACING_KINDS)
                                    .values_list("target_id", "kind", "effective_date")):
        links[target].append(Link(kind, effective))
    rows = [StatusPeriod(document_id=pk, status=p.status, valid_from=p.valid_from, valid_to=p.valid_to)
            for pk in ids
            for p in derive(date=docs[pk][0], number_year=docs[pk][1], events=events[pk],
                            links=links[pk])]
    StatusPeriod.objects.using(using).filter(document_id__in=ids)._raw_delete(using)
    StatusPeriod.objects.using(using).bulk_create(rows, batch_size=PERIOD_CHUNK)
    return len(rows)


@city_service(WHAT)
def periods_rebuild(*, actor=None, document_ids: Iterable[int] | None = None,
                    using: str = DEFAULT_DB_ALIAS) -> int:
    """Re-derive the status periods (``periods.derive``, DOMAIN §3) of these documents, or of
    every document when ``document_ids`` is None (the migration, the benchmark's generator,
    bulk loads), in chunks of ``PERIOD_CHUNK``, on the database ``using``. Runs in the
    caller's transaction, so the periods commit with the event, void or link that changed
    them. Returns periods written."""
    documents = NormativeDocument.objects.using(using)
    written = 0
    with transaction.atomic(using=using):
        if document_ids is None:
            last = 0
            while True:
                chunk = list(documents.filter(pk__gt=last).order_by("pk")
                             .values_list("pk", flat=True)[:PERIOD_CHUNK])
                if not chunk:
                    return written
                written += _rebuild_chunk(documents.filter(pk__gte=chunk[0], pk__lte=chunk[-1]))
                last = chunk[-1]
        wanted = sorted(set(document_ids) - DELETING.get())  # models.documents_deleting
        for start in range(0, len(wanted), PERIOD_CHUNK):
            written += _rebuild_chunk(documents.filter(pk__in=wanted[start:start + PERIOD_CHUNK]))
    return written


# Every write that changes a document's periods — through these services, an admin form,
# an import or any ORM save — rebuilds that document's periods in the same transaction.
# (Bulk writes send no signals: they call ``periods_rebuild`` themselves; ``loaddata``'s raw
# saves are rebuilt once the fixture is loaded, see ``periods_documents``.)

def periods_documents(instance) -> set[int]:
    """The documents whose periods a written (or deleted) row changes: an event's, a void's
    event's, a link's target, a period's; an edit that moved the row, its old one too."""
    if isinstance(instance, NormativeDocument):
        ids = [instance.pk]
    elif isinstance(instance, StatusEventVoid):
        ids = (StatusEvent.objects.using(instance._state.db or DEFAULT_DB_ALIAS)
               .filter(pk=instance.event_id).values_list("document_id", flat=True))
    elif isinstance(instance, DocumentLink):
        ids = [instance.target_id]
    elif isinstance(instance, StatusEvent | StatusPeriod):
        ids = [instance.document_id]
    else:
        return set()
    return {pk for pk in [*ids, getattr(instance, "_periods_was_document", None)] if pk is not None}


def _on_write(sender, instance, raw: bool = False, **kwargs) -> None:
    """post_save/post_delete of an event, a void or a link (a raw save: see ``loaddata``)."""
    ids = periods_documents(instance)
    if ids and not raw:
        periods_rebuild(document_ids=ids, using=instance._state.db or DEFAULT_DB_ALIAS)


def _remember_target(sender, instance, raw: bool = False, **kwargs) -> None:
    """Before an edit moves an event or a link to another document, note the old one."""
    if instance.pk is not None and not raw:
        field = "target_id" if sender is DocumentLink else "document_id"
        instance._periods_was_document = (sender._default_manager.filter(pk=instance.pk)
                                          .values_list(field, flat=True).first())


def _on_document(sender, instance: NormativeDocument, created: bool = False, raw: bool = False,
                 **kwargs) -> None:
    """Its date and number year decide when an undated baseline starts to count."""
    if not created:
        _on_write(sender, instance, raw)


def connect_period_signals() -> None:
    """Called from ``RegulationsConfig.ready``. (A document's own delete runs inside
    ``models.documents_deleting``: its cascaded events and links rebuild nothing.)"""
    from django.db.models.signals import post_delete, post_save, pre_save

    for model in (StatusEvent, StatusEventVoid, DocumentLink):
        post_save.connect(_on_write, sender=model, dispatch_uid=f"regulations-periods-{model.__name__}")
        post_delete.connect(_on_write, sender=model,
                            dispatch_uid=f"regulations-periods-del-{model.__name__}")
    for model in (StatusEvent, DocumentLink):
        pre_save.connect(_remember_target, sender=model,
                         dispatch_uid=f"regulations-periods-pre-{model.__name__}")
    post_save.connect(_on_document, sender=NormativeDocument, dispatch_uid="regulations-periods-doc")
