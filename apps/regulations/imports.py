"""The registry's two spreadsheet imports as whole-file services (issue 14 §4).

``documents`` (``文号,标题,发文机关,成文日期,公开发布``): a bureau's list of its normative
documents; ``campaign_results`` (``清理文号,清理结果,序号,文号,文件名称``): a cleanup
campaign's list, applied like the gazette's (DOMAIN §3: a status changes on the campaign's
effective date, not before).

Every row is checked first (``apps.core.tabular``: line, the file's column, a Chinese
message) — a number in any bracket form, a known campaign, an outcome word, a positive 序号,
a date, 公开发布 是/否 (blank = 否 for a new document, the stored value for a known one), a title — and any bad row refuses the whole file
(``ImportRejected``); else everything is written in one transaction as ``actor`` (the
registry is city-level, issue 9 §1) with one run-level audit record. Title findings (stray
list-heading words, another title for a known number) go to the report staff read in the
admin, never a silent choice (DOMAIN §3). Importing the same file twice writes nothing new.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction

from apps.core import audit, authority
from apps.core.models import AuditEvent, Organisation
from apps.core.services import organisation_find
from apps.core.tabular import (
    ImportCounts,
    ImportRejected,
    RowChecker,
    RowError,
    document_number,
    fits,
    read_rows,
    width_hints,
    yes_no,
)
from apps.core.text import normalise_name

from . import parsing, services
from .models import (
    OUTCOME_STATUS,
    CampaignItem,
    CleanupCampaign,
    NormativeDocument,
    Outcome,
    Status,
    StatusEvent,
)

DOCUMENT_HEADERS = ["文号", "标题", "发文机关", "成文日期", "公开发布"]
CAMPAIGN_HEADERS = ["清理文号", "清理结果", "序号", "文号", "文件名称"]
HEADERS = {"documents": DOCUMENT_HEADERS, "campaign_results": CAMPAIGN_HEADERS}
KIND_LABELS = {"documents": "规范性文件", "campaign_results": "清理结果"}
# The reconciliation report each kind's findings go to (read in the admin).
REPORTS = {"documents": "表格导入:规范性文件", "campaign_results": "表格导入:清理结果"}
PERMISSIONS = {"documents": "regulations.add_normativedocument",
               "campaign_results": "regulations.add_campaignitem"}
MODELS = {"documents": NormativeDocument, "campaign_results": CampaignItem}

TITLE_MAX = NormativeDocument._meta.get_field("title").max_length
ISSUER_MAX = Organisation._meta.get_field("name").max_length


@dataclass
class ImportResult(ImportCounts):
    """Core's ``ImportCounts`` (rows read, created, updated, 未变, and its one summary line)
    with the registry's own: status events written, the issuers the file registers and the
    title findings in file order; ``messages`` lists them (``remark``)."""

    events: int = 0
    issuers: list[str] = field(default_factory=list)
    findings: list[dict] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {**super().counts(), "events": self.events}

    def remark(self) -> None:
        """``messages``: each finding, the new issuers, the status events written."""
        self.messages = [f["message"] for f in self.findings]
        if self.issuers:
            self.messages.append("新登记发文机关:" + "、".join(self.issuers))
        if self.events:
            self.messages.append(f"新增状态变更{self.events}条(自清理决定生效日起)")


class _Checker(RowChecker):
    """The core row checker with the registry's cells: an optional date, a title (its stray
    list-heading words become a finding); 文号 and 公开发布 are core's (``document_number``,
    ``yes_no``)."""

    def optional_date(self, line: int, row: dict, column: str) -> dt.date | None:
        """A date (YYYY-MM-DD; an XLSX date cell reads so) or blank."""
        return self.row(line, row).date(column) if row[column].strip() else None

    def title(self, line: int, row: dict, column: str, *, number: str, where: str,
              findings: list[tuple[int, dict]], required: bool = True) -> str:
        """The title without list-heading words it ends with; they are a finding (line, finding)."""
        printed = parsing.squash(row[column])  # （）≡() (issue 10 §14)
        if not printed:
            if required:
                self.add(line, column, "不能为空")
            return ""
        title, stray = parsing.stray_words(printed)
        if len(title) > TITLE_MAX:
            self.add(line, column, f"标题超过{TITLE_MAX}个字")
            return ""
        if stray:
            findings.append((line, {"kind": "stray_title_words", "number": number,
                                    "message": f"{where}标题末尾多出“{stray}”:“{printed}”,登记为“{title}”"}))
        return title


def check_import_authority(actor, kind: str) -> None:
    """The registry is city-wide: county-level users are refused, and the kind's add
    permission is needed (系统 always may). Raises ``AuthorityError`` before the file is read."""
    authority.check_city_level(actor, services.WHAT)
    authority.check_permission(actor, PERMISSIONS[kind], f"导入{KIND_LABELS[kind]}")


def import_file(*, kind: str, data: bytes, filename: str, actor=None,
                dry_run: bool = False) -> ImportResult:
    """Check every row, then (unless ``dry_run``) write the whole file in one transaction;
    any bad row → ``ImportRejected`` listing every bad row, nothing written."""
    if kind not in HEADERS:
        raise ImportRejected([RowError(1, "", f"未知的导入类型“{kind}”,应为{'/'.join(HEADERS)}")])
    actor = authority.resolve(actor)
    check_import_authority(actor, kind)
    rows = read_rows(data, filename, HEADERS[kind])
    result = ImportResult(label=KIND_LABELS[kind], dry_run=dry_run, rows=len(rows))
    # The checks read the registry in the transaction that writes the file.
    with authority.acting_as(actor), transaction.atomic():
        try:
            plan = (_check_documents if kind == "documents" else _check_campaign_results)(rows, result)
        except ImportRejected as exc:
            raise ImportRejected(width_hints(exc.errors, rows)) from None
        if not dry_run:
            (_write_documents if kind == "documents" else _write_campaign_results)(
                plan, result, actor=actor, filename=filename)
            if result.findings:
                services.findings_record(source_number=REPORTS[kind], findings=result.findings,
                                         actor=actor)
            audit.record_bulk(actor=actor, model=MODELS[kind], action=AuditEvent.Action.IMPORT,
                              note=f"表格导入{KIND_LABELS[kind]} {filename}"[:500],
                              counts=result.counts())
    result.remark()
    return result


# --- documents ------------------------------------------------------------------------------


def _check_documents(rows, result: ImportResult) -> list[dict]:
    """Each row converted and compared with the registry: what to create or change."""
    check = _Checker()
    drafts, seen, findings = [], {}, []
    for line, row in rows:
        where = f"表格第{line}行:"
        number = document_number(check.row(line, row), "文号")
        title = check.title(line, row, "标题", number=str(number or row["文号"].strip()),
                            where=where, findings=findings)
        issuer = normalise_name(row["发文机关"])
        if len(issuer) > ISSUER_MAX:
            check.add(line, "发文机关", f"发文机关名称超过{ISSUER_MAX}个字")
        date = check.optional_date(line, row, "成文日期")
        public = yes_no(check.row(line, row), "公开发布", blank=None)  # blank: keep / 否
        if number is not None and not check.duplicate(seen, str(number), line, "文号", str(number)):
            drafts.append({"line": line, "number": number, "title": title, "issuer": issuer,
                           "date": date, "public": public, "where": where})
    check.finish()
    known = {d.number: d for d in NormativeDocument.objects.filter(
        number__in=[str(d["number"]) for d in drafts]).select_related("issuer")}
    issuers: dict[str, Organisation | None] = {}
    for draft in drafts:
        name = draft["issuer"]
        if name and name not in issuers:
            issuers[name] = organisation_find(name)
            if issuers[name] is None:
                result.issuers.append(name)
        draft["organisation"] = issuers.get(name)
        document = draft["document"] = known.get(str(draft["number"]))
        if document is None:
            result.created += 1
            continue
        draft["changes"] = _document_changes(document, draft, findings)
        if draft["changes"]:
            result.updated += 1
    result.findings = _in_file_order(findings)
    return drafts


def _in_file_order(findings: list[tuple[int, dict]]) -> list[dict]:
    return [finding for _, finding in sorted(findings, key=lambda pair: pair[0])]


def _document_changes(document: NormativeDocument, draft: dict, findings: list) -> dict:
    """A known number: each non-blank cell that differs replaces the registered value; a blank
    cell keeps it (never clears); another title is a finding and the registered one stays."""
    changes = {}
    conflict = services.title_conflict(document=document, title=draft["title"], where=draft["where"])
    if conflict:
        findings.append((draft["line"], conflict))
    elif draft["title"] and draft["title"] != document.title:
        changes["title"] = draft["title"]
    if draft["issuer"]:
        organisation = draft["organisation"]
        if organisation is None or organisation.pk != document.issuer_id:
            changes["issuer"] = draft["issuer"]
    if draft["date"] is not None and draft["date"] != document.date:
        changes["date"] = draft["date"]
    if draft["public"] is not None and draft["public"] != document.public:
        changes["public"] = draft["public"]
    return changes


def _write_documents(drafts: list[dict], result: ImportResult, *, actor, filename: str) -> None:
    for draft in drafts:
        number, document = draft["number"], draft["document"]
        issuer = services.issuer_for(draft["issuer"])  # an unknown name is registered
        if document is None:
            NormativeDocument.objects.create(
                number=str(number), number_issuer_code=number.issuer, number_year=number.year,
                number_serial=number.serial, title=draft["title"], issuer=issuer,
                date=draft["date"], public=bool(draft["public"]),
                source=f"表格导入 {filename}"[:200])
            continue
        changes = draft["changes"]
        if not changes:
            continue
        if "issuer" in changes:
            changes["issuer"] = issuer
        for key, value in changes.items():
            setattr(document, key, value)
        document.save(update_fields=list(changes))


# --- campaign results -----------------------------------------------------------------------


def _outcome(check: _Checker, line: int, row: dict) -> str | None:
    """清理结果 by its Chinese label (继续有效/需修改/废止/宣布失效) or code."""
    text = row["清理结果"].strip()
    for outcome in Outcome:
        if text in (outcome.value, outcome.label):
            return outcome.value
    check.add(line, "清理结果", f"清理结果“{text[:20]}”应为 继续有效、需修改、废止、宣布失效 之一")
    return None


def _position(check: _Checker, line: int, row: dict) -> int | None:
    text = row["序号"].strip()
    if not text:
        check.add(line, "序号", "不能为空")
        return None
    if not text.isdigit() or not text.isascii() or int(text) < 1 or len(text) > 6:
        check.add(line, "序号", f"应为正整数(收到“{text[:20]}”)")
        return None
    return int(text)


def _check_campaign_results(rows, result: ImportResult) -> list[dict]:
    """Each row checked against its campaign: the campaign is registered, a 需修改 result has
    the campaign's deadline, a listed document keeps the result already recorded for it (a
    recorded status change is corrected on the 状态变更 screen, issue 9 §4), a 序号 holds
    one document."""
    check = _Checker()
    campaigns: dict[str, CleanupCampaign | None] = {}
    drafts, seen, places, findings = [], {}, {}, []
    for line, row in rows:
        where = f"表格第{line}行:"
        number = document_number(check.row(line, row), "清理文号")
        campaign = None
        if number is not None:
            if str(number) not in campaigns:
                campaigns[str(number)] = CleanupCampaign.objects.filter(number=str(number)).first()
            campaign = campaigns[str(number)]
            if campaign is None:
                check.add(line, "清理文号", f"清理工作{number}不存在,请先登记清理通知")
        outcome = _outcome(check, line, row)
        position = _position(check, line, row)
        listed = document_number(check.row(line, row), "文号")
        document = (NormativeDocument.objects.filter(number=str(listed)).first()
                    if listed is not None else None)
        # The title as printed is kept whole (title_as_printed): too long is one bad cell.
        title = (check.title(line, row, "文件名称", where=where, findings=findings,
                             number=str(listed or row["文号"].strip()), required=document is None)
                 if fits(check.row(line, row), "文件名称", row["文件名称"], CampaignItem,
                         "title_as_printed") else "")
        if None in (campaign, outcome, position, listed):
            continue
        if outcome == Outcome.REVISE and campaign.revise_deadline is None:
            check.add(line, "清理结果",
                      f"清理工作{campaign.number}未写明需修改文件的有效期截止日期,无法登记需修改结果")
            continue
        if check.duplicate(seen, (campaign.pk, str(listed)), line, "文号",
                           f"{campaign.number} {listed}"):
            continue
        if check.duplicate(places, (campaign.pk, outcome, position), line, "序号",
                           f"{Outcome(outcome).label}目录第{position}项"):
            continue
        drafts.append({"line": line, "campaign": campaign, "outcome": outcome,
                       "position": position, "number": listed, "document": document,
                       "title": title, "printed": row["文件名称"], "where": where})
    for draft in drafts:
        _compare_item(check, draft, result, findings)
    check.finish()
    result.findings = _in_file_order(findings)
    return drafts


def _compare_item(check: _Checker, draft: dict, result: ImportResult, findings: list) -> None:
    """A row against what is registered: a conflicting result or 序号 is a bad row; else the
    row counts as created, updated or unchanged."""
    campaign, document, line = draft["campaign"], draft["document"], draft["line"]
    item = (CampaignItem.objects.filter(campaign=campaign, document=document).first()
            if document is not None else None)
    if item is not None and item.outcome != draft["outcome"]:
        check.add(line, "清理结果", f"{document.label}在{campaign.number}已登记为"
                                    f"{item.get_outcome_display()},不能改为{Outcome(draft['outcome']).label};"
                                    "请在状态变更中作废或更正")
        return
    taken = CampaignItem.objects.filter(campaign=campaign, outcome=draft["outcome"],
                                        position=draft["position"]).exclude(
        document=document).select_related("document").first()
    if taken is not None:
        check.add(line, "序号", f"{Outcome(draft['outcome']).label}目录第{draft['position']}项已登记为"
                              f"{taken.document.label}")
        return
    if document is not None:
        recorded = StatusEvent.objects.filter(document=document, campaign=campaign,
                                              cause=StatusEvent.Cause.CAMPAIGN).first()
        status = OUTCOME_STATUS[Outcome(draft["outcome"])]
        deadline = campaign.revise_deadline if status == Status.TO_REVISE else None
        if recorded is not None and (recorded.status, recorded.effective_date, recorded.deadline) != (
                status, campaign.effective_date, deadline):
            check.add(line, "清理结果", f"{document.label}已记录{campaign.number}的状态变更"
                                        f"“{recorded.get_status_display()}”(生效日期{recorded.effective_date}),"
                                        "与本行不同;请在状态变更中作废或更正")
            return
    if document is not None:
        conflict = services.title_conflict(document=document, title=draft["title"], where=draft["where"])
        if conflict:
            findings.append((line, conflict))
    draft["item"] = item
    if item is None:
        result.created += 1
    elif (item.position, item.title_as_printed) != (draft["position"], draft["printed"]):
        result.updated += 1


def _write_campaign_results(drafts: list[dict], result: ImportResult, *, actor, filename: str) -> None:
    for draft in drafts:
        campaign = draft["campaign"]
        document, _, _ = services.document_register(
            number=draft["number"], title=draft["title"], source=f"表格导入 {campaign.number}",
            actor=actor)
        item = draft["item"]
        if item is None:
            CampaignItem.objects.create(campaign=campaign, document=document, outcome=draft["outcome"],
                                        position=draft["position"], title_as_printed=draft["printed"])
        elif (item.position, item.title_as_printed) != (draft["position"], draft["printed"]):
            item.position, item.title_as_printed = draft["position"], draft["printed"]
            item.save(update_fields=["position", "title_as_printed"])
        created, updated = services.campaign_outcome_record(
            campaign=campaign, document=document, outcome=draft["outcome"], actor=actor)
        result.events += created + updated
