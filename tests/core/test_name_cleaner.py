"""Issue 10 §14: （） and () are one text — one cleaner in core, used by every name lookup."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps as django_apps

from apps.core import services
from apps.core.models import Organisation, OrganisationAlias
from apps.core.text import clean as list_clean
from apps.core.text import normalise_name
from apps.gazette.parsing import squash as gazette_squash
from apps.personnel.parsing import split_post
from apps.regulations.parsing import squash as regulations_squash

FULL = "衢州市人民医院（分院）"
HALF = "衢州市人民医院(分院)"


def test_normalise_name_examples():
    assert normalise_name(FULL) == HALF
    assert normalise_name(" 衢州市 人民医院\u3000( 分院 )\n") == HALF
    assert normalise_name("关于印发《办法［2020］版》的通知") == "关于印发《办法[2020]版》的通知"
    assert normalise_name(None) == ""
    # 〔〕 of document numbers stay (docnumbers normalises them).
    assert normalise_name("衢政发〔2011〕97号") == "衢政发〔2011〕97号"


def test_every_cleaner_is_the_one_function():
    for cleaner in (services._clean, regulations_squash, gazette_squash, list_clean):
        assert cleaner(FULL) == HALF
    assert split_post(list_clean("衢州市人民医院（分院）院长"))[0] == "衢州市人民医院"


@pytest.mark.django_db
def test_both_bracket_widths_resolve_to_one_organisation():
    first = services.organisation_resolve(FULL)
    assert first.name == HALF
    assert services.organisation_resolve(HALF) == first
    assert services.organisation_resolve("市人民医院（分院）") == first  # city prefix too
    assert services.organisation_find("衢州市人民医院 ( 分院 )") == first
    assert Organisation.objects.filter(name__contains="分院").count() == 1
    alias = services.organisation_add_alias(first, "市医院（分院）")
    assert alias.name == "市医院(分院)"
    assert services.organisation_find("市医院(分院)") == first


@pytest.mark.django_db
def test_stored_names_are_normalised_by_the_data_migration():
    """Names stored before the cleaner (typed with （）) take the canonical spelling; one whose
    canonical spelling is taken is left for staff to merge."""
    migration = importlib.import_module("apps.core.migrations.0006_organisation_successor")
    typed = Organisation.objects.create(name="衢州市中医医院（东院）")
    alias = OrganisationAlias.objects.create(organisation=typed, name="市中医院（东院）")
    kept = Organisation.objects.create(name=HALF)
    clash = Organisation.objects.create(name=FULL)
    migration.normalise_names(django_apps, None)
    typed.refresh_from_db()
    alias.refresh_from_db()
    clash.refresh_from_db()
    assert (typed.name, alias.name) == ("衢州市中医医院(东院)", "市中医院(东院)")
    assert clash.name == FULL and kept.name == HALF
    assert services.organisation_find(FULL) == kept


@pytest.mark.django_db
def test_successor_link_is_set_once_and_never_overwritten():
    former = services.organisation_resolve("衢州市环境保护局")
    ecology = services.organisation_resolve("衢州市生态环境局")
    other = services.organisation_resolve("衢州市某局")
    assert services.organisation_successor_record(former=former, successor=ecology) == (True, "")
    assert services.organisation_successor_record(former=former, successor=ecology) == (False, "")
    changed, message = services.organisation_successor_record(former=former, successor=other)
    assert not changed and "衢州市生态环境局" in message
    former.refresh_from_db()
    assert former.successor == ecology and former.current() == ecology
    # No cycle: the successor is not recorded as succeeded by its predecessor.
    changed, message = services.organisation_successor_record(former=ecology, successor=former)
    assert not changed and message
