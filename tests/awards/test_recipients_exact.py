"""衢政发〔2020〕12–15号: the stored recipients equal, one by one and in order, a list rebuilt
independently from the raw gazette text (not with the app's parser).

Page breaks: the raw text breaks a list paragraph with a blank line where a page ends. The
rebuild mends only breaks whose first line is a list line (not a 一、 heading) ending neither
in 。 nor :, and the
test pins that these are exactly the three places checked by hand in the seed.
"""

import re

import pytest

from apps.awards.models import Recipient
from apps.core.services import organisation_find

pytestmark = pytest.mark.django_db

NUMBERS = ["衢政发〔2020〕12号", "衢政发〔2020〕13号", "衢政发〔2020〕14号", "衢政发〔2020〕15号"]
HAND_CHECKED_BREAKS = {
    "衢政发〔2020〕12号": ["黄华伟(市农|业农村局)"],
    "衢政发〔2020〕13号": ["程仁秀(开化县妇幼保|健院)"],
    "衢政发〔2020〕14号": ["马|龙举(柯城区人民医院)"],
    "衢政发〔2020〕15号": [],
}
AWARDS = ["先进集体", "先进个人", "集体三等功", "集体嘉奖", "个人三等功", "个人嘉奖", "个人二等功"]
COLLECTIVE = {"先进集体", "集体三等功", "集体嘉奖"}


def lists_of(raw: str, number: str) -> tuple[list[str], list[str]]:
    """The decision's lines from its number to "希望…", page breaks mended; and the mends."""
    start = raw.index(f"\n{number}\n")
    end = raw.index("\n希望", start)
    lines = [line.strip() for line in raw[start:end].split("\n") if line.strip()]
    mended, joins = [], []
    for line in lines:
        previous = mended[-1] if mended else ""
        is_list = "、" in previous and not re.match(r"[一二三四]、", previous)
        if is_list and previous[-1] not in "。:":
            joins.append(previous[previous.rfind("、") + 1:] + "|" + line[:line.find("、")])
            mended[-1] = previous + line
        else:
            mended.append(line)
    return mended, joins


def expected(raw: str, number: str) -> list[tuple]:
    rows, group, award, waiting = [], "", "", False
    lines, _ = lists_of(raw, number)
    for line in lines:
        heading = re.fullmatch(r"[一二三四]、(.+?)(?:\((\d+)[家名人]\))?", line)
        if heading:
            group = heading[1]
            award = group if group in AWARDS else award
            waiting = group in AWARDS
            continue
        listed = re.fullmatch(r"(?:\([一二三]\))?(.+?)\(\d+[家名人]\):(.+)。", line)
        if listed:
            title, text = listed[1], listed[2]
            award = title if title in AWARDS else award
        elif waiting and line.endswith("。"):
            title, text = group, line[:-1]
        else:
            continue
        waiting = False
        for item in text.split("、"):
            if award in COLLECTIVE:
                rows.append((number, award, title, item, ""))
            else:
                name, unit = re.fullmatch(r"([^()]+)\(([^()]+)\)", item).groups()
                rows.append((number, award, title, name, unit))
    if number == "衢政发〔2020〕15号":  # a single person in the decision's sentence
        name = re.search(r"决定给予(.+?)同志记个人二等功一次", "".join(lines))[1]
        rows.append((number, "个人二等功", "个人二等功", name, ""))
    return rows


def stored(number: str) -> list[tuple]:
    recipients = Recipient.objects.filter(section__decision__number=number).select_related(
        "section").order_by("section__order", "order")
    return [(number, r.section.get_award_display(), r.section.title,
             r.person_name or r.text, r.unit_text) for r in recipients]


def test_page_breaks_inside_the_lists_are_exactly_the_hand_checked_ones(gazette_text):
    for number in NUMBERS:
        assert lists_of(gazette_text, number)[1] == HAND_CHECKED_BREAKS[number], number


@pytest.mark.parametrize("number, total", [
    ("衢政发〔2020〕12号", 46 + 55), ("衢政发〔2020〕13号", 2 + 1 + 43 + 21),
    ("衢政发〔2020〕14号", 18 + 1), ("衢政发〔2020〕15号", 1),
])
def test_every_recipient_name_and_unit_equals_the_text(gazette, gazette_text, number, total):
    rebuilt = expected(gazette_text, number)
    assert len(rebuilt) == total
    assert stored(number) == rebuilt


def test_units_resolve_through_aliases_and_collectives_are_their_own_unit(gazette):
    for recipient in Recipient.objects.select_related("organisation"):
        if recipient.person_id is None:
            assert recipient.organisation == organisation_find(recipient.text), recipient.text
        elif recipient.unit_text:
            assert recipient.organisation == organisation_find(recipient.unit_text), recipient.text
        else:
            assert (recipient.person_name, recipient.organisation) == ("黄宏瞻", None)
