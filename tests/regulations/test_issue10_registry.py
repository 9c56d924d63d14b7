"""Issue 10 §11, §12, §14 on the seed gazette: every 同时废止 clause, a clause naming several
documents, campaign items that keep their printed issuer, bracket widths in titles."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from apps.core import authority
from apps.core.models import Organisation
from apps.gazette.services import import_gazette
from apps.regulations import gazette as regulations_gazette
from apps.regulations import parsing, services
from apps.regulations.models import (
    CampaignItem,
    DocumentLink,
    NormativeDocument,
    ReconciliationReport,
    Status,
)
from apps.regulations.own import OWN_NUMBERS
from apps.regulations.selectors import standing_on

from .conftest import ECOLOGY, MARKET

pytestmark = pytest.mark.django_db

MARKET_BODY = "衢州市市场监督管理局"
ECOLOGY_BODY = "衢州市生态环境局"
FOOD_DRUG = "衢州市食品药品监督管理局"
ENVIRONMENT = "衢州市环境保护局"


# --- §11: every repeal clause of the seed, pinned --------------------------------------

def test_every_repeal_clause_of_the_seed_repeals_exactly_these_documents(registry):
    """The seed has three “同时废止” clauses, each naming one document:
    衢政办发〔2020〕20号 “…《…价格补贴机制的通知》(衢政发〔2011〕97 号)同时废止”;
    衢政办发〔2020〕22号 “原《…土地储备管理体制意见的通知》(衢政办发〔2008〕101号)同时废止”;
    衢环发〔2020〕73号 第六条 “2018年2月9日原衢州市环境保护局发布的《衢州市主要环境违法行为
    行政处罚豁免清单(第一批)》同时废止” (no number: registered by title and date)."""
    # The session seed also ran regulations.own: its link (衢政办发〔2020〕16号 amends
    # 衢政办发〔2019〕35号) is no repeal clause and is tested in test_own_documents.py.
    links = {(link.source.number, link.target.number, link.target.title, link.effective_date)
             for link in DocumentLink.objects.select_related("source", "target").exclude(
                 source__number__in=OWN_NUMBERS)}
    assert links == {
        ("衢政办发〔2020〕20号", "衢政发〔2011〕97号",
         "衢州市人民政府关于进一步完善困难群众基本生活价格补贴机制的通知", dt.date(2020, 6, 9)),
        ("衢政办发〔2020〕22号", "衢政办发〔2008〕101号",
         "衢州市人民政府办公室转发市国土局市财政局关于进一步理顺市区土地储备管理体制意见的通知",
         dt.date(2020, 7, 20)),
        ("衢环发〔2020〕73号", None, "衢州市主要环境违法行为行政处罚豁免清单(第一批)",
         dt.date(2020, 8, 15)),
    }
    # Both ways: the repealing text lists what it repealed, the old one who repealed it.
    new = NormativeDocument.objects.get(number="衢环发〔2020〕73号")
    old = NormativeDocument.objects.get(number=None, title="衢州市主要环境违法行为行政处罚豁免清单(第一批)")
    assert [link.target for link in new.links_out.all()] == [old]
    assert [link.source for link in old.links_in.all()] == [new]
    assert old.date == dt.date(2018, 2, 9)


def _article(body: str, *, number="衢政发〔2021〕5号", date=dt.date(2021, 1, 5)):
    return SimpleNamespace(number=number, number_as_printed=number, title="衢州市人民政府关于新办法的通知",
                           issuing_body="衢州市人民政府", date=date, public=True, body=body)


def _parse(article):
    with authority.acting_as(None), authority.deriving():
        return regulations_gazette.parse_repeals(article)


def test_a_clause_naming_several_documents_repeals_each_and_reports_what_it_cannot_find(db):
    """One clause, four documents: by number in [], （） and 〔〕 brackets, by a title printed
    with full-width brackets, and one title not on record — three repealed, one reported."""
    titled, _, _ = services.document_register(number="衢政办发〔2016〕8号",
                                              title="衢州市某项目管理办法(试行)")
    body = ("本办法自2021年2月1日起施行。原《衢州市人民政府关于某事的通知》(衢政发[2015] 3 号)、"
            "衢政办发（2016）7号、《衢州市某项目管理办法（试行）》和\n《衢州市从未登记的办法》同时废止。")
    result = _parse(_article(body))
    repealer = NormativeDocument.objects.get(number="衢政发〔2021〕5号")
    targets = {link.target.number for link in repealer.links_out.all()}
    assert targets == {"衢政发〔2015〕3号", "衢政办发〔2016〕7号", titled.number}
    for number in targets:
        doc = NormativeDocument.objects.get(number=number)
        assert [link.source for link in doc.links_in.all()] == [repealer]
        assert standing_on(doc, dt.date(2021, 1, 31)).status == Status.IN_FORCE
        assert standing_on(doc, dt.date(2021, 2, 1)).status == Status.REPEALED
    assert not NormativeDocument.objects.filter(title="衢州市从未登记的办法").exists()
    missing = [m for m in result.messages if "衢州市从未登记的办法" in m]
    assert len(missing) == 1 and "未在文件库中找到" in missing[0] and "未登记废止" in missing[0]
    report = ReconciliationReport.objects.get(source_number="衢政发〔2021〕5号")
    assert [f["kind"] for f in report.findings if f["kind"].startswith("repeal_target")] == [
        "repeal_target_not_found"]
    again = _parse(_article(body))
    assert (again.created, again.updated) == (0, 0)


def test_repealed_list_after_the_words_and_unreadable_text_is_reported(db):
    body = "本办法自2021年2月1日起施行,同时废止衢政发〔2014〕2号和衢政发2014年3号文件。"
    result = _parse(_article(body))
    repealer = NormativeDocument.objects.get(number="衢政发〔2021〕5号")
    assert [link.target.number for link in repealer.links_out.all()] == ["衢政发〔2014〕2号"]
    assert any("衢政发2014年3号" in m and "无法识别" in m for m in result.messages)


def test_parser_reads_every_document_of_a_clause_in_order():
    [sentence] = parsing.parse_repeal_sentences(
        "原《甲办法》（衢政发〔2010〕1号）、《乙办法》(衢政办发[2011]2号)及衢政发(2012)3号同时废止。")
    assert [(t.title, str(t.number)) for t in sentence.targets] == [
        ("甲办法", "衢政发〔2010〕1号"), ("乙办法", "衢政办发〔2011〕2号"), ("", "衢政发〔2012〕3号")]
    assert sentence.unread == []


# --- §12: campaign items keep their printed issuer -------------------------------------

# Items whose printed title names an issuer other than the campaign's publisher, read by hand:
# 衢市监规〔2020〕1号 附件1 第5、7项 “衢州市食品药品监督管理局关于印发…”;
# 衢环发〔2020〕66号 附件4 第10项 “衢州市环境保护局关于简政放权服务绿色发展的通知”.
OWN_ISSUER = {
    "衢食药监市〔2014〕1号": FOOD_DRUG,
    "衢食药监〔2013〕120号": FOOD_DRUG,
    "衢环发〔2012〕130号": ENVIRONMENT,
}


def test_campaign_items_keep_the_issuer_their_title_names(registry):
    different = {}
    for item in CampaignItem.objects.select_related("campaign__issuer", "document__issuer"):
        if item.document.issuer != item.campaign.issuer:
            different[item.document.number] = item.document.issuer.name
    assert different == OWN_ISSUER
    # Named but the publisher itself (附件1第4项; 衢环发〔2020〕66号 附件1第13、15、17项, lead issuer).
    for number, body in [("衢市监保化〔2015〕7号", MARKET_BODY), ("衢环发〔2019〕59号", ECOLOGY_BODY),
                         ("衢环函〔2019〕127号", ECOLOGY_BODY), ("衢环发〔2019〕128号", ECOLOGY_BODY)]:
        assert NormativeDocument.objects.get(number=number).issuer.name == body


def test_former_bodies_have_their_successor(registry):
    food_drug = Organisation.objects.get(name=FOOD_DRUG)
    environment = Organisation.objects.get(name=ENVIRONMENT)
    assert food_drug.successor.name == MARKET_BODY and food_drug.former
    assert environment.successor.name == ECOLOGY_BODY
    assert environment.current().name == ECOLOGY_BODY
    assert Organisation.objects.get(name=MARKET_BODY).successor is None
    # 衢环发〔2020〕73号 第六条 “原衢州市环境保护局发布的” names the same former body.
    old = NormativeDocument.objects.get(number=None, title="衢州市主要环境违法行为行政处罚豁免清单(第一批)")
    assert old.issuer == environment
    messages = registry.parser_results["regulations.campaigns"]["messages"]
    assert sum(FOOD_DRUG in m and "承继" in m for m in messages) == 2


def test_an_issuer_derived_from_the_publisher_is_corrected_once(registry, only_regulation_parsers,
                                                                 gazette_text):
    """A registry imported before issue 10 holds the publisher; the next import corrects the
    derived value, and the import after that changes nothing."""
    market = Organisation.objects.get(name=MARKET_BODY)
    NormativeDocument.objects.filter(number="衢食药监市〔2014〕1号").update(issuer=market)
    again = import_gazette(text=gazette_text, source_name="seed")
    assert again.changed
    assert NormativeDocument.objects.get(number="衢食药监市〔2014〕1号").issuer.name == FOOD_DRUG
    third = import_gazette(text=gazette_text, source_name="seed")
    assert not third.changed


def test_a_staff_entered_issuer_is_never_overwritten(registry, only_regulation_parsers, gazette_text):
    other = Organisation.objects.create(name="衢州市某局")
    NormativeDocument.objects.filter(number="衢食药监〔2013〕120号").update(issuer=other)
    import_gazette(text=gazette_text, source_name="seed")
    assert NormativeDocument.objects.get(number="衢食药监〔2013〕120号").issuer == other


def test_title_issuers():
    assert parsing.title_issuers("衢州市生态环境局衢州市财政局关于印发衢州市环境违法行为有奖举报实施细则的通知") == [
        ECOLOGY_BODY, "衢州市财政局"]
    assert parsing.title_issuers("衢州市生态环境局等9部门关于印发《甲》的通知") == [ECOLOGY_BODY]
    assert parsing.title_issuers("关于印发《衢州市大商贸政策实施细则》的通知") == []
    assert parsing.title_issuers("衢州市大商贸政策实施细则") == []


# --- §14: titles differing only by bracket width are one title --------------------------

def test_titles_differing_only_by_bracket_width_are_one_title(registry):
    doc = NormativeDocument.objects.get(number="衢环发〔2018〕16号")
    assert doc.title == "关于印发《衢州市环境行政处罚自由裁量基准(试行)》的通知"
    assert services.title_conflict(
        document=doc, title="关于印发《衢州市环境行政处罚自由裁量基准（试行）》的通知", where="") is None
    assert services.documents_titled("关于印发《衢州市环境行政处罚自由裁量基准（试行）》的通知") == [doc]
    assert services.title_conflict(document=doc, title="关于印发《另一个基准》的通知", where="")


def test_a_campaign_title_printed_full_width_is_stored_in_one_spelling():
    text = parsing.parse_campaign("继续有效的规范性文件目录\n序号\t文件名称\t文号\n"
                                  "1\t关于印发《甲办法（试行）》的通知\t衢市监规〔2019〕9号\n")
    assert [i.title for i in text.items] == ["关于印发《甲办法(试行)》的通知"]


def test_campaign_numbers_are_the_seed_campaigns():
    assert regulations_gazette.CAMPAIGN_NUMBERS == [MARKET, ECOLOGY]
