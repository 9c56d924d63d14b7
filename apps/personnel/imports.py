"""The appointment items file import as a whole-file service (issue 14 §4; DOMAIN §2:
任免通知 not printed in a gazette), one item per row, the notice created on first use.

Every row is checked first (``apps.core.tabular``: line, the file's column, a Chinese
message) with the services' rules: ``DocumentNumber.parse``, 任/免去 and 职务/职级, a
removal has no probation (``services.item_terms_check``), and no one is removed twice from
the same post (``services.items_check``, through ``item_record``, against the stored items
and the file's own earlier rows). One bad row refuses the whole file (``ImportRejected``
listing every bad row, the cells' and the rules' together) and nothing is written. A clean file is written in one transaction
as ``actor`` (city-level staff with the add permission, or 系统) with one run-level audit
record; importing the same file again — or the admin export of the items — changes nothing
(its rows count as 未变: a file has no printed text, the stored one is kept), and a row
restating a published item differently is refused on each column that differs (issue 9 §4).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from apps.core import audit, authority
from apps.core.models import AuditEvent, Organisation
from apps.core.tabular import (
    ImportCounts,
    ImportRejected,
    RowChecker,
    RowError,
    document_number,
    fits,
    read_rows,
    width_hints,
)

from . import services
from .models import AppointmentItem, AppointmentNotice

# 试用期满 is the export's column: derived from 成文日期 and 试用期(月), not read.
ITEM_HEADERS = ["文号", "标题", "发文机关", "成文日期", "顺序", "姓名", "任免", "类别", "单位",
                "职务或职级", "试用期(月)", "试用期满", "选举说明"]
HEADERS = {"items": ITEM_HEADERS}
KIND_LABELS = {"items": "任免事项"}
ACTIONS = {"任": "appoint", "免去": "remove", "免": "remove"}
KINDS = {"职务": "post", "职级": "rank"}
NOTICE_COLUMNS = {"title": "标题", "issuing_body": "发文机关", "date": "成文日期"}
ITEM_COLUMNS = {"person_name": "姓名", "action": "任免", "kind": "类别", "organisation": "单位",
                "title": "职务或职级", "probation_months": "试用期(月)", "election_text": "选举说明"}


def _number(row, column: str, *, largest: int) -> int | None:
    """A whole number 1…``largest`` (blank → None), else a bad cell."""
    text = row.cells[column].strip()
    if not text:
        return None
    if not (text.isascii() and text.isdigit()) or len(text) > 6 or not 0 < int(text) <= largest:
        row.error(column, f"应为1至{largest}的整数,实际为“{text[:20]}”")
        return None
    return int(text)


def _choice(row, column: str, choices: dict[str, str], message: str) -> str | None:
    text = row.cells[column].strip()
    if text not in choices:
        row.error(column, f"{message},实际为“{text[:20]}”")
        return None
    return choices[text]


def _item_rows(rows, checker: RowChecker) -> list[dict]:
    clean_rows: list[dict] = []
    notices: dict[str, tuple[int, dict]] = {}
    orders: dict[tuple[str, int], int] = {}
    for line, cells in rows:
        row = checker.row(line, cells)
        parts = document_number(row)
        notice = {"title": row.text("标题"), "issuing_body": row.text("发文机关"),
                  "date": row.date("成文日期")}
        fits(row, "标题", notice["title"], AppointmentNotice, "title")
        fits(row, "发文机关", notice["issuing_body"], AppointmentNotice, "issuing_body")
        order = _number(row, "顺序", largest=9999) if row.text("顺序") else None
        name, unit, title = row.text("姓名"), row.text("单位"), row.text("职务或职级")
        fits(row, "姓名", name, AppointmentItem, "person_name")
        fits(row, "单位", unit, Organisation, "name")
        fits(row, "职务或职级", title, AppointmentItem, "title")
        election = cells["选举说明"].strip()
        fits(row, "选举说明", election, AppointmentItem, "election_text")
        action = _choice(row, "任免", ACTIONS, "任免应为“任”或“免去”")
        kind = _choice(row, "类别", KINDS, "类别应为“职务”或“职级”")
        months = _number(row, "试用期(月)", largest=120)
        if action and order:
            row.check({"": "试用期(月)"}, services.item_terms_check, order=order, action=action,
                      probation_months=months, number=str(parts or ""))
        if parts is not None and row.ok:
            number = str(parts)
            first, stated = notices.setdefault(number, (line, notice))
            for key, column in NOTICE_COLUMNS.items():
                if stated[key] != notice[key]:
                    row.error(column, f"与第{first}行同一文号{number}的{column}不一致")
            if checker.duplicate(orders, (number, order), line, "顺序", f"{number}第{order}项"):
                row.ok = False
        if row.ok:
            clean_rows.append(dict(line=line, number=str(parts), notice=notice, order=order,
                                   name=name, action=action, kind=kind, unit=unit, title=title,
                                   probation_months=months, election_text=election))
    return clean_rows


def _write_items(rows: list[dict], counts: ImportCounts, actor) -> list[RowError]:
    """Record every row; the rules checked against the stored items (a second removal)
    come back as bad rows, the transaction then being rolled back by the caller."""
    notices, items = services.ParseResult(), services.ParseResult()
    errors: list[RowError] = []
    stored = {n.number: n for n in AppointmentNotice.objects.filter(
        number__in={row["number"] for row in rows})}
    for row in rows:
        # A registered notice is not re-dated or retitled by a file: its date decides every
        # item's probation end (DOMAIN §2) and a published one has legal effect (issue 9 §4).
        known = stored.get(row["number"])
        differs = [(column, getattr(known, key), row["notice"][key])
                   for key, column in NOTICE_COLUMNS.items()
                   if known is not None and getattr(known, key) != row["notice"][key]]
        if differs:
            errors += [RowError(row["line"], column,
                                f"任免通知{row['number']}已登记的{column}为“{was}”,文件中为“{now}”;"
                                "已登记的任免通知不能由文件修改")
                       for column, was, now in differs]
            continue
        notice = services.notice_record(number=row["number"], **row["notice"], outcome=notices,
                                        actor=actor)
        unit = services.unit_resolve(row["unit"])
        # A published item is never rewritten by a file (issue 9 §4): a row restating it
        # differently is refused on each column that differs (the file has no printed text).
        recorded = notice.items.filter(order=row["order"]).select_related("organisation").first()
        if recorded is not None and recorded.locked_reason():
            differs = services.item_differences(
                recorded, name=row["name"], action=row["action"], kind=row["kind"],
                organisation=unit, title=row["title"], probation_months=row["probation_months"],
                election_text=row["election_text"])
            errors += [RowError(row["line"], ITEM_COLUMNS[key],
                                f"{notice.number}第{row['order']}项已登记的{ITEM_COLUMNS[key]}为"
                                f"“{was}”,文件中为“{now}”;{recorded.locked_reason()},"
                                "不能由文件修改(请作废或更正)")
                       for key, was, now in differs]
            if differs:
                continue
        before = items.created, items.updated
        try:
            item = services.item_record(
                notice=notice, order=row["order"], name=row["name"], action=row["action"],
                kind=row["kind"], unit=unit, title=row["title"],
                probation_months=row["probation_months"], election_text=row["election_text"],
                outcome=items, actor=actor)
        except ValidationError as exc:
            errors += [RowError(row["line"], "任免", message) for message in exc.messages]
            continue
        except authority.AuthorityError as exc:  # a recorded item differs: never edited
            errors.append(RowError(row["line"], "顺序", str(exc)))
            continue
        if (items.created, items.updated) != before:
            counts.changes.append({"line": row["line"], "object": str(item),
                                   "changes": {"新增" if items.created > before[0] else "更新":
                                               ["", f"{notice.number}第{item.order}项"]}})
    counts.created, counts.updated = items.created, items.updated
    if notices.created or notices.updated:
        counts.messages.append(f"任免通知:新增{notices.created}件,更新{notices.updated}件")
    return errors


def import_file(*, kind: str = "items", data: bytes, filename: str, actor=None,
                dry_run: bool = False) -> ImportCounts:
    """Check the whole file, then write it all in one transaction (or, ``dry_run``, roll it
    back: the preview counts exactly what the confirm will do). Raises ``ImportRejected``
    naming every bad row, ``AuthorityError`` for county-level staff (appointments are
    city-wide, issue 9 §1) or an actor without the add permission."""
    if kind not in HEADERS:
        raise ValueError(f"unknown personnel import kind {kind!r}")
    actor = authority.resolve(actor)
    authority.check_city_level(actor, services.WHAT)
    authority.check_permission(actor, "personnel.add_appointmentitem", "导入任免事项")
    counts = ImportCounts(label=KIND_LABELS[kind], dry_run=dry_run)
    with authority.acting_as(actor), transaction.atomic():
        read = read_rows(data, filename, ITEM_HEADERS)
        checker = RowChecker()
        rows = _item_rows(read, checker)
        counts.rows = len(rows)
        # The rows whose cells are good are written (rolled back below if any row is bad),
        # so a second removal is reported together with the bad cells of other rows.
        checker.errors += _write_items(rows, counts, actor)
        try:
            checker.finish()
        except ImportRejected as exc:
            raise ImportRejected(width_hints(exc.errors, read)) from None
        if dry_run:
            transaction.set_rollback(True)
        else:
            audit.record_bulk(actor=actor, model=AppointmentItem,
                              action=AuditEvent.Action.IMPORT,
                              note=f"导入任免事项 {filename}"[:500], counts=counts.counts(),
                              rows=counts.changes)
    return counts
