"""Issue 15 §8: ``regulations.own`` registers the gazette's own normative documents.

Publication event on the signing date, in force from the document's own 施行 clause (尚未生效
in between); no 施行 clause → in force from signing, with a finding; 衢政办发〔2020〕16号 amends
衢政办发〔2019〕35号, which stays 有效."""

import datetime as dt

import pytest
from django.conf import settings

from apps.regulations.models import DocumentLink, NormativeDocument, ReconciliationReport, Status
from apps.regulations.selectors import standing_on

pytestmark = pytest.mark.django_db


def status(number: str, on: str):
    return standing_on(NormativeDocument.objects.get(number=number), dt.date.fromisoformat(on)).status


def test_notice_not_in_force_between_signing_and_its_date(gazette):
    # 衢政通〔2020〕1号: signed 2020-07-14, “本通告自2020年8月13日起施行”.
    assert status("衢政通〔2020〕1号", "2020-07-13") is None
    assert status("衢政通〔2020〕1号", "2020-07-14") == Status.NOT_YET_IN_FORCE
    assert status("衢政通〔2020〕1号", "2020-08-12") == Status.NOT_YET_IN_FORCE
    assert status("衢政通〔2020〕1号", "2020-08-13") == Status.IN_FORCE
    # 衢医保发〔2020〕64号: “本暂行办法自2020年8月3日起实施”.
    assert status("衢医保发〔2020〕64号", "2020-08-02") == Status.NOT_YET_IN_FORCE
    assert status("衢医保发〔2020〕64号", "2020-08-03") == Status.IN_FORCE


def test_from_publication_is_the_signing_date(gazette):
    # “自发布之日起实施” (衢政发〔2020〕16号, 2020-06-30), “自公布之日起施行” (衢政办发〔2020〕16号, 2020-07-07).
    assert status("衢政发〔2020〕16号", "2020-06-29") is None
    assert status("衢政发〔2020〕16号", "2020-06-30") == Status.IN_FORCE
    assert status("衢政办发〔2020〕16号", "2020-07-07") == Status.IN_FORCE
    assert not ReconciliationReport.objects.filter(source_number="衢政办发〔2020〕16号",
                                                   findings__icontains="无施行条款").exists()


def test_no_clause_in_force_from_signing_with_a_finding(gazette):
    # 衢政办发〔2020〕17号 (signed 2020-07-28) prints no 施行 clause.
    assert status("衢政办发〔2020〕17号", "2020-07-27") is None
    assert status("衢政办发〔2020〕17号", "2020-07-28") == Status.IN_FORCE
    report = ReconciliationReport.objects.get(source_number="衢政办发〔2020〕17号")
    assert any("无施行条款" in f["message"] for f in report.findings)


def test_grants_notice_amends_the_2019_document_which_stays_in_force(gazette):
    link = DocumentLink.objects.get(kind=DocumentLink.Kind.AMENDS)
    assert link.source.number == "衢政办发〔2020〕16号" and link.target.number == "衢政办发〔2019〕35号"
    assert link.target.title.startswith("衢州市人民政府办公室印发关于推进创新驱动")
    assert link.effective_date == dt.date(2020, 7, 7)
    assert status("衢政办发〔2019〕35号", "2020-08-01") == Status.IN_FORCE


def test_not_normative_documents_are_not_registered(gazette):
    for number in ["衢政发〔2020〕12号", "衢政发〔2020〕15号", "衢政办发〔2020〕19号", "衢政干〔2020〕9号"]:
        assert not NormativeDocument.objects.filter(number=number).exists(), number
    # registered in the registry; its content (援疆结对) is read by the pairings parser
    assert NormativeDocument.objects.filter(number="衢政办发〔2020〕17号").exists()
    assert "衢政办发〔2020〕17号" not in gazette.unparsed


def test_rerun_changes_nothing(gazette):
    from apps.gazette.services import import_gazette

    again = import_gazette(text=settings.GAZETTE_PATH.read_text(encoding="utf-8"), source_name="seed")
    result = again.parser_results["regulations.own"]
    assert result["created"] == 0 and result["updated"] == 0
