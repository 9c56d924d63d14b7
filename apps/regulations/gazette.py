"""Gazette parsers: the two cleanup notices and every “同时废止” clause (DOMAIN §3).

Registered in ``RegulationsConfig.ready``; both are idempotent (a second import of the
same gazette creates and updates nothing).
"""

from __future__ import annotations

from django.db import transaction

from apps.core import audit
from apps.core.docnumbers import DocumentNumber
from apps.gazette.registry import ParseResult

from . import parsing, services
from .models import CleanupCampaign, NormativeDocument, Outcome, ReconciliationReport

CAMPAIGN_NUMBERS = ["衢市监规〔2020〕1号", "衢环发〔2020〕66号"]


def _finding(kind: str, message: str, **extra) -> dict:
    return {"kind": kind, "message": message, **extra}


def _nonstandard(printed: str, where: str) -> dict | None:
    if DocumentNumber.is_standard_form(printed):
        return None
    normal = str(DocumentNumber.parse(printed))
    return _finding("nonstandard_number", f"{where}文号印作“{printed}”,规范写法为{normal}",
                    printed=printed, number=normal)


def _save_report(*, source_number: str, campaign: CleanupCampaign | None, announced: dict,
                 listed: dict, distinct: dict, balanced: bool, findings: list[dict]) -> tuple[int, int]:
    values = {"campaign": campaign, "announced": announced, "listed": listed, "distinct": distinct,
              "balanced": balanced, "findings": findings}
    report = ReconciliationReport.objects.filter(source_number=source_number).first()
    if report is None:
        ReconciliationReport.objects.create(source_number=source_number, **values)
        return 1, 0
    changed = {k: v for k, v in values.items() if getattr(report, k) != v}
    for key, value in changed.items():
        setattr(report, key, value)
    if changed:
        report.save()
    return 0, int(bool(changed))


@transaction.atomic
def parse_campaign(article) -> ParseResult:
    """衢市监规〔2020〕1号 / 衢环发〔2020〕66号: the notice, its lists, and the reconciliation."""
    result = ParseResult()
    text = parsing.parse_campaign(article.body)
    issuer = services.issuer_for(article.issuing_body)
    if text.effective_date is None:
        result.messages.append("正文未找到“自…起施行”,无法确定清理结果生效日期,未导入")
        return result
    notice, c, u = services.document_register(
        number=article.number, title=article.title, issuer=issuer, date=article.date,
        public=article.public, source=f"政报 {article.number}")
    result.created, result.updated = result.created + c, result.updated + u
    c, u = services.publication_record(document=notice, signed=article.date,
                                       effective=text.effective_date)
    result.created, result.updated = result.created + c, result.updated + u

    values = {"document": notice, "title": article.title, "issuer": issuer, "date": article.date,
              "effective_date": text.effective_date, "legal_basis": text.legal_basis,
              "revise_deadline": text.revise_deadline,
              "announced_total": text.announced.get("total"),
              **{f"announced_{o}": text.announced.get(str(o)) for o in Outcome}}
    campaign = result.upsert(CleanupCampaign, {"number": article.number}, values)

    findings: list[dict] = [_finding("unreadable_row", p) for p in text.problems]
    own = _nonstandard(article.number_as_printed, "本通知")
    if own:
        findings.append(own)
    listed: dict[str, int] = {}
    seen_titles: dict[str, str] = {}
    for item in text.items:
        where = f"{Outcome(item.outcome).label}目录第{item.position}项"
        listed[str(item.outcome)] = listed.get(str(item.outcome), 0) + 1
        title, stray = parsing.stray_words(item.title)
        if stray:
            findings.append(_finding("stray_title_words",
                                     f"{where}标题末尾多出“{stray}”:“{item.title}”,登记为“{title}”",
                                     number=str(item.number)))
        odd = _nonstandard(item.number_as_printed, where)
        if odd:
            findings.append(odd)
        item_issuer = _item_issuer(title, publisher=issuer, where=where, findings=findings,
                                   result=result)
        document, c, u = services.document_register(
            number=item.number, title=title, issuer=item_issuer,
            source=f"{article.number} {where}")
        result.created, result.updated = result.created + c, result.updated + u
        if not c and services.document_issuer_rederive(document=document, issuer=item_issuer,
                                                       instead_of=issuer):
            result.updated += 1
        if not c and str(item.number) not in seen_titles:  # a repeat in this list is a duplicate
            conflict = services.title_conflict(document=document, title=title, where=f"{where}:")
            if conflict:
                findings.append(conflict)
        stored, c, u, duplicate = services.campaign_item_record(
            campaign=campaign, document=document, outcome=item.outcome, position=item.position,
            number_as_printed=item.number_as_printed, title_as_printed=item.title)
        result.created, result.updated = result.created + c, result.updated + u
        if duplicate:
            first_title = seen_titles.get(str(item.number), "")
            if first_title and first_title != item.title:
                duplicate += f";两处标题不同:“{first_title}”/“{item.title}”"
            findings.append(_finding("duplicate", duplicate, number=str(item.number),
                                     positions=[stored.position, item.position]))
            continue
        seen_titles[str(item.number)] = item.title
        c, u = services.campaign_outcome_record(campaign=campaign, document=document,
                                                outcome=item.outcome)
        result.created, result.updated = result.created + c, result.updated + u

    distinct = {str(o): campaign.items.filter(outcome=o).count() for o in Outcome}
    distinct = {k: v for k, v in distinct.items() if v or text.announced.get(k) is not None}
    announced = {k: v for k, v in text.announced.items()}
    if "total" not in announced:
        announced["sum"] = sum(v for k, v in announced.items() if k != "total")
    balanced = True
    for outcome in Outcome:
        key = str(outcome)
        said, rows, docs = text.announced.get(key), listed.get(key, 0), distinct.get(key, 0)
        heading = text.heading_counts.get(key)
        if said is None and not rows:
            continue
        if said is None:
            findings.append(_finding("total_mismatch",
                                     f"{outcome.label}:正文未公布件数,目录列出{rows}项"))
            balanced = False
        elif said != docs:
            findings.append(_finding(
                "total_mismatch",
                f"{outcome.label}:公布{said}件,目录列出{rows}项,去重后{docs}件,相差{said - docs}件",
                outcome=key, announced=said, listed=rows, distinct=docs))
            balanced = False
        if heading is not None and heading != rows:
            findings.append(_finding("heading_mismatch",
                                     f"{outcome.label}目录标题写“共{heading}件”,实际列出{rows}项"))
            balanced = False
    total_said = text.announced.get("total")
    total_docs = sum(distinct.values())
    if total_said is not None and total_said != total_docs:
        findings.append(_finding("total_mismatch",
                                 f"合计:公布共计{total_said}件,目录去重后{total_docs}件,相差{total_said - total_docs}件",
                                 outcome="total", announced=total_said, distinct=total_docs))
        balanced = False
    listed["total"] = sum(listed.values())
    distinct["total"] = total_docs
    c, u = _save_report(source_number=article.number, campaign=campaign, announced=announced,
                        listed=listed, distinct=distinct, balanced=balanced, findings=findings)
    result.created, result.updated = result.created + c, result.updated + u
    result.messages.extend(f["message"] for f in findings)
    if result.changed:
        audit.record_bulk(actor=None, model=NormativeDocument,
                          note=f"政报导入清理结果 {article.number}",
                          counts={"created": result.created, "updated": result.updated})
    return result


def _item_issuer(title: str, *, publisher, where: str, findings: list[dict], result: ParseResult):
    """Issue 10 §12: a listed item keeps the issuer its printed title names (附件1第5项
    “衢州市食品药品监督管理局关于印发…”), lead issuer first when several are named; a body
    other than the publisher whose document the publisher cleans up as its own is a former
    body, its successor the publisher. An item that names no issuer is the publisher's."""
    named = parsing.title_issuer(title)
    if not named or publisher is None:
        return publisher
    own = services.issuer_for(named)
    if own == publisher:
        return publisher
    updated, message = services.former_issuer_record(former=own, successor=publisher)
    result.updated += updated
    findings.append(_finding(
        "former_issuer",
        f"{where}由{own.name}印发,登记为其发文机关(非本通知发布机关{publisher.name});"
        f"{own.name}已由{(own.successor or publisher).name}承继", issuer=own.name))
    if message:
        findings.append(_finding("successor_conflict", f"{where}:{message}"))
    return own


def has_repeal_clause(article) -> bool:
    return "同时废止" in (article.body or "")


@transaction.atomic
def parse_repeals(article) -> ParseResult:
    """“原《…》(衢政发〔2011〕97号)同时废止”: link and repeal from the new text's 施行 date.

    Issue 10 §11: a clause naming several documents repeals each of them (by number in any
    bracket form, or by title); a document it names but cannot find, or text it cannot
    read, is a finding on the report and a message on the gazette issue, never dropped."""
    result = ParseResult()
    sentences = parsing.parse_repeal_sentences(article.body)
    if not sentences:
        return result
    effective = parsing.effective_date(article.body)
    findings: list[dict] = []
    if effective is None:
        effective = article.date
        findings.append(_finding("no_effective_date",
                                 f"正文未写施行日期,废止按成文日期{article.date}登记"))
    issuer = services.issuer_for(article.issuing_body)
    repealer, c, u = services.document_register(
        number=article.number, title=article.title, issuer=issuer, date=article.date,
        public=article.public, source=f"政报 {article.number}")
    result.created, result.updated = result.created + c, result.updated + u
    c, u = services.publication_record(document=repealer, signed=article.date, effective=effective)
    result.created, result.updated = result.created + c, result.updated + u
    own = _nonstandard(article.number_as_printed, "本文件")
    if own:
        findings.append(own)
    for sentence in sentences:
        for text in sentence.unread:
            findings.append(_finding("unreadable_clause",
                                     f"同时废止条款中“{text}”无法识别为文件,未登记废止,请核对:“{sentence.clause}”",
                                     clause=sentence.clause))
        if not sentence.targets and not sentence.unread:
            findings.append(_finding("unreadable_clause",
                                     f"无法识别被废止的文件:“{sentence.clause}”", clause=sentence.clause))
        for clause in sentence.targets:
            target = _repeal_target(article, clause, findings, result)
            if target is None:
                continue
            if target == repealer:
                findings.append(_finding("self_repeal", f"同时废止条款指向本文件{repealer.label},未登记"))
                continue
            c, u = services.repeal_record(repealer=repealer, target=target, effective=effective,
                                          clause=clause.clause)
            result.created, result.updated = result.created + c, result.updated + u
            if clause.former_issuer and target.issuer is not None:
                u, message = services.former_issuer_record(former=target.issuer, successor=issuer)
                result.updated += u
                if message:
                    findings.append(_finding("successor_conflict", message))
    c, u = _save_report(source_number=article.number, campaign=None, announced={}, listed={},
                        distinct={}, balanced=True, findings=findings)
    result.created, result.updated = result.created + c, result.updated + u
    result.messages.extend(f["message"] for f in findings)
    if result.changed:
        audit.record_bulk(actor=None, model=NormativeDocument,
                          note=f"政报导入同时废止条款 {article.number}",
                          counts={"created": result.created, "updated": result.updated})
    return result


def _repeal_target(article, clause, findings: list[dict], result: ParseResult):
    """The registry record a repeal clause names, registered when named by number (or by
    title and date); one named by title alone must already be on record (else a finding)."""
    if clause.number is not None:
        odd = _nonstandard(clause.number_as_printed, "同时废止条款中")
        if odd:
            findings.append(odd)
    elif clause.date is None:
        found = services.documents_titled(clause.title)
        if len(found) == 1:
            target = found[0]
        else:
            what = "未在文件库中找到" if not found else f"在文件库中有{len(found)}件同名文件"
            findings.append(_finding(
                "repeal_target_not_found" if not found else "repeal_target_ambiguous",
                f"同时废止条款中的《{clause.title}》无文号,{what},未登记废止,请核对后人工登记",
                title=clause.title))
            return None
        return target
    else:
        findings.append(_finding(
            "named_by_title",
            f"被废止文件仅以标题和日期提及:《{clause.title}》({clause.date},{clause.issuer or '机关不详'}),"
            "无文号,按标题和日期登记"))
    target, c, u = services.document_register(
        number=clause.number, title=clause.title, issuer=services.issuer_for(clause.issuer),
        date=clause.date, source=f"{article.number} 同时废止条款")
    result.created, result.updated = result.created + c, result.updated + u
    conflict = None if c else services.title_conflict(document=target, title=clause.title,
                                                        where="同时废止条款中")
    if conflict:
        findings.append(conflict)
    return target
