"""Arts. 17–20: the catalogue is loaded by migration, text exactly as in the gazette."""

from collections import Counter

import pytest

from apps.doctors.models import ViolationItem

pytestmark = pytest.mark.django_db


def test_catalogue_has_29_items_with_counts_per_points():
    items = list(ViolationItem.objects.all())
    assert len(items) == 29
    assert Counter(i.points for i in items) == {12: 6, 6: 5, 2: 9, 1: 9}


def test_item_text_is_printed_in_the_gazette_under_its_article(gazette_text):
    for item in ViolationItem.objects.all():
        assert f"({item.number}){item.text}" in gazette_text, item.code
        assert item.code == f"{item.article}.{item.number}"


def test_named_items_carry_the_gazette_points_and_text():
    assert ViolationItem.objects.get(code="19.4").text == "医疗收费与病历记录、医疗操作不符的"
    assert ViolationItem.objects.get(code="19.4").points == 2
    assert ViolationItem.objects.get(code="17.4").points == 12
    assert ViolationItem.objects.get(code="18.3").points == 6
    assert ViolationItem.objects.get(code="20.8").text.startswith("不按规定参加经办机构")
    assert ViolationItem.objects.get(code="20.8").points == 1


def test_gazette_import_finds_the_catalogue_as_printed_and_creates_nothing(imported_gazette):
    from apps.gazette.models import Article

    article = Article.objects.get(number="衢医保发〔2020〕64号")
    assert article.parsed_by["doctors.catalogue"] == {"created": 0, "updated": 0, "messages": []}


def test_the_gazette_check_reports_an_altered_item(imported_gazette):
    from apps.doctors.gazette import check_catalogue
    from apps.gazette.models import Article

    ViolationItem.objects.filter(code="19.4").update(text="医疗收费与病历不符")
    result = check_catalogue(Article.objects.get(number="衢医保发〔2020〕64号"))
    assert result.messages == ["医保医师扣分条款19.4的文字与政报原文不一致,请核对"]
    assert (result.created, result.updated) == (0, 0)
