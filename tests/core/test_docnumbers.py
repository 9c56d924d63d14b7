import pytest

from apps.core.docnumbers import DocumentNumber, InvalidDocumentNumber, normalise

SEED_TOC_NUMBERS = [
    "衢政发〔2020〕12号", "衢政发〔2020〕13号", "衢政发〔2020〕14号", "衢政发〔2020〕15号",
    "衢政发〔2020〕16号", "衢政通〔2020〕1号", "衢政办发〔2020〕16号", "衢政办发〔2020〕17号",
    "衢政办发〔2020〕18号", "衢政办发〔2020〕19号", "衢政办发〔2020〕20号", "衢政办发〔2020〕21号",
    "衢政办发〔2020〕22号", "衢政干〔2020〕9号", "衢政办干〔2020〕5号", "衢市监规〔2020〕1号",
    "衢环发〔2020〕66号", "衢环发〔2020〕73号", "衢医保发〔2020〕64号",
]


@pytest.mark.parametrize("text", ["衢政发〔2020〕16号", "衢政发[2020]16号", "衢政发(2020)16号",
                                  "衢政发（2020）16号", "衢政发〔2020〕16 号", "衢政发[2020]16 号",
                                  " 衢政发 〔2020〕 16号 "])
def test_bracket_and_space_variants_are_one_number(text):
    number = DocumentNumber.parse(text)
    assert number == DocumentNumber("衢政发", 2020, 16)
    assert str(number) == "衢政发〔2020〕16号"


def test_parts_of_a_three_part_issuer_code():
    number = DocumentNumber.parse("衢食药监市〔2014〕1号")
    assert (number.issuer, number.year, number.serial) == ("衢食药监市", 2014, 1)


@pytest.mark.parametrize("text,reason", [
    ("/", "不是文号"),
    ("", "为空"),
    ("衢政发2020年16号", "括起"),
    ("衢政发〔20〕16号", "不是文号"),
    ("衢环(X)诚[20]XX号", "不是文号"),
    ("〔2020〕16号", "机关代字"),
    ("衢政发〔2020〕16", "号"),
])
def test_non_numbers_are_rejected_with_a_reason(text, reason):
    with pytest.raises(InvalidDocumentNumber) as error:
        DocumentNumber.parse(text)
    assert reason in str(error.value)


def test_every_number_printed_in_the_gazette_parses(gazette_text):
    """Every 文号 in the seed, in the TOC ([] form) or the body (〔〕 form), parses; the
    list items of the two cleanup campaigns included."""
    found = DocumentNumber.find_all(gazette_text)
    normalised = {str(n) for n, _ in found}
    assert set(SEED_TOC_NUMBERS) <= normalised
    for printed in ["衢环办〔2019〕73号", "衢食药监市〔2014〕1号", "衢政发〔2011〕97 号",
                    "衢政办发〔2008〕101号", "衢市监综〔2020〕9号", "衢环办〔1998〕86号"]:
        assert normalise(printed) in normalised
    for number, printed in found:
        assert DocumentNumber.parse(printed) == number


def test_find_all_cuts_running_words_before_the_issuer():
    found = DocumentNumber.find_all("同时废止衢政发〔2011〕97 号文件")
    assert [str(n) for n, _ in found] == ["衢政发〔2011〕97号"]


def test_standard_form_detection():
    assert DocumentNumber.is_standard_form("衢环发〔2020〕66号")
    assert not DocumentNumber.is_standard_form("衢环发〔2020〕66 号")
    assert not DocumentNumber.is_standard_form("衢环发[2020]73号")


def test_numbers_compare_by_parts():
    assert DocumentNumber.parse("衢政发[2020]9号") < DocumentNumber.parse("衢政发〔2020〕12号")
    assert len({DocumentNumber.parse("衢政发[2020]12号"), DocumentNumber.parse("衢政发(2020)12 号")}) == 1


@pytest.mark.parametrize("text,expected", [
    ("依据浙财社〔2020〕5号文件", "浙财社〔2020〕5号"),
    ("根据衢财预〔2020〕1号", "衢财预〔2020〕1号"),
    ("按国土资规〔2017〕17号执行", "国土资规〔2017〕17号"),
    ("按财预〔2019〕89号执行", "财预〔2019〕89号"),
])
def test_find_all_keeps_whole_issuer_codes(text, expected):
    assert [str(n) for n, _ in DocumentNumber.find_all(text)] == [expected]
