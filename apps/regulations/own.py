"""Parser ``regulations.own`` (issue 15 §8): the gazette's own normative documents.

Each gets a publication event on its signing date and an in-force event from its own 施行
clause (尚未生效 in between, ``services.publication_record``). “自发布/公布之日起施行”: the
gazette prints no separate publication date, so the signing date is used. A document with no
施行 clause is in force from signing, with a finding. 衢政办发〔2020〕16号 amends 衢政办发〔2019〕35号
(found by number, the printed title kept); the amended document stays 有效. Not registered:
commendations (衢政发〔2020〕12–15号), appointments (衢政干/衢政办干) and the duty division
(19号); 20号, 22号 and 73号 are left to ``regulations.repeals``, the two cleanup notices to
``regulations.campaigns``.
"""

from __future__ import annotations

import re

from django.db import transaction

from apps.gazette.registry import ParseResult

from . import parsing, services
from .models import DocumentLink

OWN_NUMBERS = ["衢政发〔2020〕16号", "衢政通〔2020〕1号", "衢政办发〔2020〕16号", "衢政办发〔2020〕17号",
               "衢政办发〔2020〕18号", "衢政办发〔2020〕21号", "衢医保发〔2020〕64号"]
FROM_PUBLICATION = re.compile(r"本(?:通知|通告|意见|办法|暂行办法)自(?:发布|公布|印发)之日起(?:施行|实施)")
# “对《title》(衢政办发〔2019〕35号)中…进行调整优化”: the amended document and its printed title.
AMENDS = re.compile(r"对《(?P<title>[^》]+)》[((](?P<number>[^()()]+?号)[))]中.{0,40}?(?:调整优化|修改)")


@transaction.atomic
def parse_own(article) -> ParseResult:
    result = ParseResult()
    if article.date is None:
        result.messages.append("未找到成文日期,未登记,请人工核对落款")
        return result
    flat = re.sub(r"\s+", "", article.body)
    findings: list[dict] = []
    effective = parsing.effective_date(article.body)
    if effective is None:
        effective = article.date
        if not FROM_PUBLICATION.search(flat):
            findings.append({"kind": "no_effective_date",
                             "message": f"{article.number}正文无施行条款,按成文日期{article.date}登记为有效"})
    issuer = services.issuer_for(article.issuing_body)
    document, c, u = services.document_register(
        number=article.number, title=article.title, issuer=issuer, date=article.date,
        public=article.public, source=f"政报 {article.number}")
    result.created, result.updated = result.created + c, result.updated + u
    c, u = services.publication_record(document=document, signed=article.date, effective=effective)
    result.created, result.updated = result.created + c, result.updated + u
    for found in AMENDS.finditer(flat):
        target, c, u = services.document_register(number=found.group("number"), title=found.group("title"),
                                                   source=f"政报 {article.number} 所修改的文件")
        result.created, result.updated = result.created + c, result.updated + u
        c, u = services.repeal_record(repealer=document, target=target, effective=effective,
                                      kind=DocumentLink.Kind.AMENDS, clause=found.group(0))
        result.created, result.updated = result.created + c, result.updated + u
        # The amended document stays in force (三: 2019年度的奖补项目仍按其执行).
        result.created += services.baseline_record(
            document=target, note=f"被{document.label}调整优化,仍然有效")
    if findings:
        services.findings_record(source_number=article.number, findings=findings)
        result.messages.extend(f["message"] for f in findings)
    return result
