"""Importing a gazette issue: split it into articles and hand each to its domain parsers."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import asdict, dataclass, field
from pathlib import Path

from django.db import transaction

from apps.core import audit, authority
from apps.core.models import AuditEvent
from apps.core.services import update_if_changed

from . import parsing, registry
from .models import Article, GazetteIssue

log = logging.getLogger("qzgov.gazette")


@dataclass
class ImportReport:
    issue: str
    created: bool
    articles: int
    numbers: list[str]
    changed_articles: int = 0
    parser_results: dict[str, dict] = field(default_factory=dict)
    unplaced: list[str] = field(default_factory=list)  # what staff must look at
    unparsed: list[str] = field(default_factory=list)  # articles no domain parser took

    @property
    def changed(self) -> bool:
        return self.created or self.changed_articles > 0 or any(
            r["created"] or r["updated"] for r in self.parser_results.values()
        )

    def as_dict(self) -> dict:
        data = asdict(self)
        data["changed"] = self.changed
        return data


@transaction.atomic
def import_gazette(*, text: str, source_name: str, actor=None) -> ImportReport:
    """Split ``text`` into articles, store them, run the registered domain parsers.

    Idempotent: the issue is keyed by the text's SHA-256, articles by (issue, number), and
    every domain parser must create nothing on a second run.

    Issue 9: the gazette and everything derived from it are city-wide, so a county-level
    ``actor`` is refused before anything is written; the import runs as ``actor`` (``None``
    = the current actor, 系统 for commands and jobs). The parsers may re-derive locked
    items they wrote from the printed text (``authority.deriving()``); every row change is
    audited through its history, and each run leaves one 导入 entry with its counts.
    """
    actor = authority.resolve(actor)
    authority.check_city_level(actor, "政报")
    with authority.acting_as(actor), authority.deriving():
        report, issue = _import(text=text, source_name=source_name)
    parsed = {name: {"created": r["created"], "updated": r["updated"]}
              for name, r in sorted(report.parser_results.items())}
    audit.record_bulk(
        actor=actor, model=GazetteIssue, action=AuditEvent.Action.IMPORT,
        note=f"导入政报 {issue.title}({source_name})" + ("" if report.changed else ",无变化"),
        counts={"issue_created": int(report.created), "articles": report.articles,
                "changed_articles": report.changed_articles,
                "created": sum(r["created"] for r in parsed.values()),
                "updated": sum(r["updated"] for r in parsed.values()),
                "unplaced": len(report.unplaced), "parsers": parsed},
        object_ids=[issue.pk])
    return report


def _import(*, text: str, source_name: str) -> tuple[ImportReport, GazetteIssue]:
    lines = text.splitlines()
    sha = hashlib.sha256(text.encode()).hexdigest()
    toc = parsing.parse_toc(lines)
    parsed = parsing.parse_articles(lines)
    issue, created = GazetteIssue.objects.get_or_create(
        sha256=sha,
        defaults={"title": parsing.issue_title(lines), "source_name": source_name,
                  "toc_count": len(toc)},
    )
    report = ImportReport(issue=issue.title, created=created, articles=len(parsed),
                          numbers=[str(a.number) for a in parsed])

    seen: set[str] = set()
    articles: list[Article] = []
    for order, item in enumerate(parsed, start=1):
        number = str(item.number)
        if number in seen:
            report.unplaced.append(f"第{item.number_line}行:文号{number}在本期重复出现,已跳过")
            continue
        seen.add(number)
        values = dict(
            order=order, number_as_printed=item.printed, issuer_code=item.number.issuer,
            year=item.number.year, serial=item.number.serial, title=item.title[:300],
            issuing_body=item.issuing_body, date=item.date, public=item.public, kind=item.kind,
            body=item.body, first_line=item.first_line,
        )
        article = Article.objects.filter(issue=issue, number=number).first()
        if article is None:
            article = Article.objects.create(issue=issue, number=number, **values)
            report.changed_articles += 0 if created else 1
        elif update_if_changed(article, values):
            report.changed_articles += 1
        if item.date is None:
            report.unplaced.append(f"{number}:未找到落款机关和成文日期")
        articles.append(article)
    # Parsers run once every article is stored; the ``late`` ones (they link to records other
    # documents create, e.g. organisations) after all the others, so a second import finds
    # exactly what the first left and changes nothing.
    outcomes: dict[int, dict] = {}
    for late in (False, True):
        for article in articles:
            _run_parsers(article, report, late=late, outcome=outcomes.setdefault(article.pk, {}))
    for article in articles:
        if outcomes[article.pk] != article.parsed_by:
            Article.objects.filter(pk=article.pk).update(parsed_by=outcomes[article.pk])

    toc_numbers = {str(entry.number) for entry in toc}
    for entry in toc:
        if str(entry.number) not in seen:
            report.unplaced.append(f"目录中的{entry.number}《{entry.title}》在正文中未找到")
    for number in sorted(seen - toc_numbers):
        report.unplaced.append(f"正文中的{number}不在目录中")

    # The report is the importer's own bookkeeping (like ``parsed_by``), not a change of the
    # gazette: stored without a history row, so a re-import that changes nothing says so.
    issue.report = report.as_dict()
    GazetteIssue.objects.filter(pk=issue.pk).update(report=issue.report)
    return report, issue


def _run_parsers(article: Article, report: ImportReport, *, late: bool, outcome: dict) -> None:
    parsers = registry.parsers_for(article)
    if not late and all(p.registry_only for p in parsers):
        report.unparsed.append(article.number)  # no domain parser reads its content
    for parser in (p for p in parsers if p.late == late):
        try:
            with transaction.atomic():
                result = parser.handler(article)
        except Exception as exc:  # one domain's failure must not block the others
            log.exception("gazette parser %s failed on %s", parser.name, article.number)
            result = registry.ParseResult(messages=[f"解析失败,未导入:{exc}"])
            report.unplaced.append(f"{article.number}:解析器{parser.name}出错({exc})")
        outcome[parser.name] = {"created": result.created, "updated": result.updated,
                                "messages": result.messages}
        summary = report.parser_results.setdefault(
            parser.name, {"created": 0, "updated": 0, "messages": []})
        summary["created"] += result.created
        summary["updated"] += result.updated
        summary["messages"].extend(f"{article.number}:{m}" for m in result.messages)


def import_gazette_file(path: Path | str, *, actor=None) -> ImportReport:
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"找不到政报文件 {path}(可用 GAZETTE_PATH 环境变量指定)")
    return import_gazette(text=path.read_text(encoding="utf-8"), source_name=path.name, actor=actor)
