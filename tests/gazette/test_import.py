import datetime as dt
import json

import pytest
from django.core.management import call_command

from apps.gazette import parsing, registry
from apps.gazette.models import Article, GazetteIssue
from apps.gazette.registry import ParseResult
from apps.gazette.services import import_gazette

D = dt.date

# The seed's table of contents: number → date signed (from each document's signature).
SEED = {
    "衢政发〔2020〕12号": D(2020, 6, 8),
    "衢政发〔2020〕13号": D(2020, 6, 16),
    "衢政发〔2020〕14号": D(2020, 6, 29),
    "衢政发〔2020〕15号": D(2020, 6, 29),
    "衢政发〔2020〕16号": D(2020, 6, 30),
    "衢政通〔2020〕1号": D(2020, 7, 14),
    "衢政办发〔2020〕16号": D(2020, 7, 7),
    "衢政办发〔2020〕17号": D(2020, 7, 28),
    "衢政办发〔2020〕18号": D(2020, 6, 1),
    "衢政办发〔2020〕19号": D(2020, 6, 2),
    "衢政办发〔2020〕20号": D(2020, 6, 8),
    "衢政办发〔2020〕21号": D(2020, 6, 5),
    "衢政办发〔2020〕22号": D(2020, 6, 19),
    "衢政干〔2020〕9号": D(2020, 7, 13),
    "衢政办干〔2020〕5号": D(2020, 6, 27),
    "衢市监规〔2020〕1号": D(2020, 6, 28),
    "衢环发〔2020〕66号": D(2020, 6, 29),
    "衢环发〔2020〕73号": D(2020, 7, 15),
    "衢医保发〔2020〕64号": D(2020, 7, 3),
}


def test_table_of_contents_lists_19_documents(gazette_text):
    toc = parsing.parse_toc(gazette_text.splitlines())
    assert [str(e.number) for e in toc] == list(SEED)
    assert toc[0].page == 1 and toc[-1].page == 46
    assert toc[10].title == "衢州市人民政府办公室关于完善困难群众基本生活价格补贴机制的通知"


def test_import_finds_every_document_with_number_and_date(imported_gazette):
    assert imported_gazette.articles == 19
    assert imported_gazette.unplaced == []
    dates = dict(Article.objects.values_list("number", "date"))
    assert dates == SEED


@pytest.mark.django_db
def test_articles_keep_title_issuer_body_and_publication_flag(imported_gazette):
    article = Article.objects.get(number="衢政办发〔2020〕20号")
    assert article.issuing_body == "衢州市人民政府办公室"
    assert article.title == "衢州市人民政府办公室关于完善困难群众基本生活价格补贴机制的通知"
    assert article.public is True
    assert "本通知自 2020 年 6 月 9 日起施行" in article.body
    assert "衢政发〔2011〕97 号" in article.body
    assert article.number_as_printed == "衢政办发〔2020〕20号"
    spaced = Article.objects.get(number="衢医保发〔2020〕64号")
    assert spaced.number_as_printed == "衢医保发〔2020〕64 号"
    assert spaced.issuing_body == "衢州市医疗保障局"
    assert spaced.public is False
    assert "第十七条" in spaced.body


def test_second_import_changes_nothing_and_says_so(seed_gazette, capsys):
    """The first import is the session's seed import (the service the command calls); the
    command's run over it is the second: one import here, not two."""
    assert seed_gazette.created is True and seed_gazette.articles == 19
    call_command("import_gazette", json=True)
    out = capsys.readouterr().out.strip().splitlines()
    second = json.loads(out[-1])
    assert second["changed"] is False and second["created"] is False
    assert second["numbers"] == list(SEED)
    assert any("无变化" in line for line in out)
    assert GazetteIssue.objects.count() == 1 and Article.objects.count() == 19


def test_the_command_reports_a_first_import(db, tmp_path, capsys):
    """The command's first run of an issue says so (a one-document issue: no parser reads it)."""
    path = tmp_path / "small.txt"
    path.write_text("\n".join(["目 录", "", "关于测试的通知(衢政发[2020]98号) 1", "",
                               "衢州市人民政府关于测试的通知", "", "衢政发〔2020〕98号", "", "正文。", "",
                               "衢州市人民政府", "2020年6月1日"]), encoding="utf-8")
    call_command("import_gazette", str(path), json=True)
    out = capsys.readouterr().out.strip().splitlines()
    first = json.loads(out[-1])
    assert first["created"] is True and first["changed"] is True and first["articles"] == 1
    assert any("导入完成" in line for line in out)
    assert GazetteIssue.objects.count() == 1 and Article.objects.count() == 1


@pytest.mark.django_db
def test_registered_parsers_receive_their_articles(gazette_text, only_parsers):
    """Dispatch, counts and messages of one registered parser: the other apps' parsers (a
    full first import, tested in their apps) are not part of it."""
    seen = []

    def handler(article):
        seen.append(article.number)
        return ParseResult(created=1 if len(seen) == 1 else 0, messages=["申报数与名单不符"])

    only_parsers()  # none but the test's own, registered next
    registry.register("test.handler", numbers=["衢政发[2020]15号"], handler=handler)
    report = import_gazette(text=gazette_text, source_name="seed")
    assert seen == ["衢政发〔2020〕15号"]
    result = report.parser_results["test.handler"]
    assert result["created"] == 1
    assert result["messages"] == ["衢政发〔2020〕15号:申报数与名单不符"]
    issue = GazetteIssue.objects.get()
    assert "衢政发〔2020〕15号:申报数与名单不符" in issue.report["parser_results"]["test.handler"]["messages"]


@pytest.mark.django_db
def test_what_cannot_be_placed_is_reported():
    text = "\n".join([
        "目 录", "", "某某通知(衢政发[2020]99号) 1", "",
        "衢州市人民政府关于测试的通知", "", "衢政发〔2020〕98号", "", "正文。", "", "衢州市人民政府",
        "2020年6月1日",
    ])
    report = import_gazette(text=text, source_name="test")
    assert "目录中的衢政发〔2020〕99号《某某通知》在正文中未找到" in report.unplaced
    assert "正文中的衢政发〔2020〕98号不在目录中" in report.unplaced


def test_import_gazette_reports_a_missing_file(db, tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="找不到政报文件"):
        call_command("import_gazette", str(tmp_path / "none.txt"))


@pytest.mark.django_db
def test_a_failing_parser_is_reported_and_the_rest_still_imports(gazette_text, only_parsers):
    """The broken parser beside the real one reading the same article (awards.decisions,
    衢政发〔2020〕12–15号): the articles and that parser's records still import."""
    from apps.awards.models import Decision

    def broken(article):
        raise ValueError("名单格式无法识别")

    only_parsers("awards.decisions")
    registry.register("test.broken", numbers=["衢政发〔2020〕15号"], handler=broken)
    report = import_gazette(text=gazette_text, source_name="seed")
    assert report.articles == 19 and Article.objects.count() == 19
    assert "衢政发〔2020〕15号:解析器test.broken出错(名单格式无法识别)" in report.unplaced
    assert report.parser_results["awards.decisions"]["created"] > 0
    assert Decision.objects.filter(number="衢政发〔2020〕15号").exists()
