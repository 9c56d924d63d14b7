"""The awards file imports (decisions, then their recipients) as whole-file services
(issue 14 §4; DOMAIN §1: decisions and lists not printed in a gazette).

Every row is checked first (``apps.core.tabular``: line, the file's column, a Chinese
message; the rules are the services' — ``DocumentNumber.parse``, ``services.decision_kind``,
``services.recipient_import_check``); one bad row refuses the whole file (``ImportRejected``
listing every bad row) and nothing is written. A clean file is written in one transaction
as ``actor`` (city-level staff holding the add permission, or 系统) with one run-level audit
record; importing the same file again creates nothing (its rows count as 未变).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from apps.core import audit, authority
from apps.core.docnumbers import DocumentNumber, InvalidDocumentNumber
from apps.core.models import AuditEvent
from apps.core.tabular import (
    ImportCounts,
    ImportRejected,
    RowChecker,
    document_number,
    fits,
    read_rows,
    width_hints,
    yes_no,
)
from apps.core.text import clean

from . import services
from .models import AwardKind, Decision, Recipient

DECISION_HEADERS = ["文号", "标题", "发文机关", "成文日期", "文种", "依据", "公开发布"]
# 成文日期 and 单位规范名称 are the export's columns: read back, but not imported (the date is
# the decision's, the canonical unit is resolved from 单位 through the aliases).
RECIPIENT_HEADERS = ["文号", "成文日期", "栏目", "奖励类别", "公布数量", "姓名或集体", "单位",
                     "单位规范名称"]
HEADERS = {"decisions": DECISION_HEADERS, "recipients": RECIPIENT_HEADERS}
KIND_LABELS = {"decisions": "表彰决定", "recipients": "受表彰对象"}
PERMISSIONS = {"decisions": "awards.add_decision", "recipients": "awards.add_recipient"}
MODELS = {"decisions": Decision, "recipients": Recipient}

def _decision_rows(rows, checker: RowChecker) -> list[dict]:
    clean_rows: list[dict] = []
    seen: dict[str, int] = {}
    rows = list(rows)
    numbers = set()
    for _line, cells in rows:
        try:
            numbers.add(str(DocumentNumber.parse(cells["文号"])))
        except InvalidDocumentNumber:
            pass
    stored = {d.number: d for d in Decision.objects.filter(number__in=numbers)}
    for line, cells in rows:
        row = checker.row(line, cells)
        parts = document_number(row)
        title, body = row.text("标题"), row.text("发文机关")
        fits(row, "标题", title, Decision, "title")
        fits(row, "发文机关", body, Decision, "issuing_body")
        basis = cells["依据"].strip()
        fits(row, "依据", basis, Decision, "basis")
        day = row.date("成文日期")
        kind = None
        try:
            kind = services.decision_kind(cells["文种"])
        except ValidationError as exc:
            row.error("文种", exc.messages[0])
        public = yes_no(row, "公开发布", blank=None)  # blank: a stored decision keeps its value
        if parts is not None:
            if checker.duplicate(seen, str(parts), line, "文号", f"文号{parts}"):
                row.ok = False
        known = stored.get(str(parts)) if parts is not None and row.ok else None
        if known is not None:
            # A registered decision (the gazette's, or an earlier file's) is not rewritten by a
            # file: it has legal effect (issue 9 §4); only 公开发布 may be set, blank keeps it.
            for key, column, value in (("title", "标题", title), ("issuing_body", "发文机关", body),
                                       ("date", "成文日期", day), ("kind", "文种", kind),
                                       ("basis", "依据", basis)):
                if getattr(known, key) != value:
                    shown = known.get_kind_display() if key == "kind" else getattr(known, key)
                    row.error(column, f"表彰决定{known.number}已登记的{column}为“{shown}”,"
                                      "已登记的表彰决定不能由文件修改")
        if row.ok:
            clean_rows.append(dict(line=line, number=str(parts), title=title, issuing_body=body,
                                   date=day, kind=kind, basis=basis,
                                   public=(known.public if known is not None and public is None
                                           else bool(public))))
    return clean_rows


def _recipient_rows(rows, checker: RowChecker) -> list[dict]:
    columns = {"number": "文号", "award": "奖励类别", "name": "姓名或集体", "unit": "单位",
               "section": "栏目", "declared": "公布数量", "": "文号"}
    clean_rows: list[dict] = []
    stated: dict[tuple[str, str, str], tuple[int, int]] = {}  # section → first line, count
    shared: dict[tuple[str, str, str], bool] = {}  # a title two stored sections carry
    for line, cells in rows:
        row = checker.row(line, cells)
        declared = None
        text = cells["公布数量"].strip()
        if text:
            if text.isascii() and text.isdigit() and len(text) <= 6:
                declared = int(text)
            else:
                row.error("公布数量", f"公布数量“{text[:20]}”不是整数")
        values = dict(number=cells["文号"], section_title=cells["栏目"],
                      award_label=cells["奖励类别"], name=cells["姓名或集体"], unit=cells["单位"])
        if declared is not None:  # one section, one 公布数量 (DOMAIN §1)
            # Keyed as the service finds the section: the parsed 文号, the cleaned titles.
            try:
                number = str(DocumentNumber.parse(cells["文号"]))
            except InvalidDocumentNumber:
                number = cells["文号"].strip()
            award = clean(cells["奖励类别"])
            section = (number, clean(cells["栏目"]) or award, award)
            if section not in shared:
                shared[section] = _title_shared(*section)
            # Where two stored sections share the title (衢政发〔2020〕14号's two 个人二等功),
            # the count picks the section (``services.recipient_import_check``), it is not
            # one section's count stated twice.
            first, count = stated.setdefault(section, (line, declared))
            if count != declared and not shared[section]:
                row.error("公布数量", f"与第{first}行同一栏目的公布数量({count})不一致")
        row.check(columns, services.recipient_import_check, **values, declared=declared)
        if row.ok:
            clean_rows.append(dict(line=line, declared=declared, **values))
    return clean_rows


def _title_shared(number: str, title: str, award_label: str) -> bool:
    """Whether decision ``number`` has more than one section titled ``title`` for the award."""
    try:
        award = AwardKind.from_label(award_label)
    except ValueError:
        return False
    decision = Decision.objects.filter(number=number).first()
    return decision is not None and len(services.import_sections(decision, title, award)) > 1


def _write_decisions(rows: list[dict], counts: ImportCounts, actor) -> None:
    outcome = services.ParseResult()
    for row in rows:
        before = outcome.created, outcome.updated
        decision = services.decision_record(
            number=row["number"], title=row["title"], issuing_body=row["issuing_body"],
            date=row["date"], kind=row["kind"], basis=row["basis"], public=row["public"],
            outcome=outcome, actor=actor)
        if (outcome.created, outcome.updated) != before:
            counts.changes.append({"line": row["line"], "object": decision.number,
                                   "changes": {"新增" if outcome.created > before[0] else "更新":
                                               ["", decision.title]}})
    counts.created, counts.updated = outcome.created, outcome.updated


def _write_recipients(rows: list[dict], counts: ImportCounts, actor) -> None:
    for row in rows:
        line = row.pop("line")
        notes: list[str] = []
        recipient, created = services.recipient_import(**row, actor=actor, notes=notes)
        if created:
            counts.created += 1
            counts.changes.append({"line": line, "object": recipient.text,
                                   "changes": {"新增": ["", str(recipient.section)]}})
        if notes:  # a file-registered section without a count took the row's
            counts.updated += 0 if created else 1
            counts.messages += notes
            counts.changes.append({"line": line, "object": str(recipient.section),
                                   "changes": {"公布数量": [None, row["declared"]]}})


CHECKS = {"decisions": _decision_rows, "recipients": _recipient_rows}
WRITES = {"decisions": _write_decisions, "recipients": _write_recipients}


def import_file(*, kind: str, data: bytes, filename: str, actor=None,
                dry_run: bool = False) -> ImportCounts:
    """Check the whole ``kind`` file, then write it all in one transaction (or, ``dry_run``,
    roll it back: the preview counts exactly what the confirm will do). Raises
    ``ImportRejected`` naming every bad row, ``AuthorityError`` for county-level staff
    (awards are city-wide, issue 9 §1) or an actor without the add permission."""
    if kind not in HEADERS:
        raise ValueError(f"unknown awards import kind {kind!r}")
    actor = authority.resolve(actor)
    authority.check_city_level(actor, services.WHAT)
    authority.check_permission(actor, PERMISSIONS[kind], f"导入{KIND_LABELS[kind]}")
    counts = ImportCounts(label=KIND_LABELS[kind], dry_run=dry_run)
    with authority.acting_as(actor), transaction.atomic():
        read = read_rows(data, filename, HEADERS[kind])
        checker = RowChecker()
        rows = CHECKS[kind](read, checker)
        try:
            checker.finish()
        except ImportRejected as exc:
            raise ImportRejected(width_hints(exc.errors, read)) from None
        counts.rows = len(rows)
        WRITES[kind](rows, counts, actor)
        if dry_run:
            transaction.set_rollback(True)
        else:
            audit.record_bulk(actor=actor, model=MODELS[kind], action=AuditEvent.Action.IMPORT,
                              note=f"导入{KIND_LABELS[kind]} {filename}"[:500],
                              counts=counts.counts(), rows=counts.changes)
    return counts
