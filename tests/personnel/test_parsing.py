"""Reading appointment notices: page breaks anywhere inside an item are mended; an election
confirmation covers the items up to the end of its sentence."""

from apps.personnel import parsing

BODY = """市政府研究决定:
同意衢州市供销合作社联合社第二届理事会选举结果:
刘秀云、汪水木、

顾劲立、姚建同志任衢州市供销合作社联合社理事会副主任。
周扬涛

同志任衢州市人民政府研究室综合研究二处副

处长(试用期一年)。
免去:
程鸣同志的衢州市供销合作社联合社副主任职务。
衢州市人民政府
2020 年 7 月 13 日
"""


def test_page_breaks_inside_names_and_posts_are_mended():
    parsed = parsing.parse_notice(BODY)
    assert parsed.problems == []
    assert [(i.name, i.action, i.unit, i.title, i.probation_months, bool(i.election_text))
            for i in parsed.items] == [
        ("刘秀云", "appoint", "衢州市供销合作社联合社", "理事会副主任", None, True),
        ("汪水木", "appoint", "衢州市供销合作社联合社", "理事会副主任", None, True),
        ("顾劲立", "appoint", "衢州市供销合作社联合社", "理事会副主任", None, True),
        ("姚建", "appoint", "衢州市供销合作社联合社", "理事会副主任", None, True),
        ("周扬涛", "appoint", "衢州市人民政府研究室", "综合研究二处副处长", 12, False),
        ("程鸣", "remove", "衢州市供销合作社联合社", "副主任", None, False),
    ]
