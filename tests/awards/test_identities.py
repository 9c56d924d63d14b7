"""DOMAIN §1: a person is name + unit (aliases resolved); staff can merge and split identities."""

import pytest

from apps.awards import services
from apps.awards.models import Person, PersonKey, Recipient

pytestmark = pytest.mark.django_db


def test_alias_of_the_unit_gives_the_same_person(db):
    a = services.person_identify(name="柴东剑", unit="市人民医院")
    b = services.person_identify(name="柴东剑", unit="衢州市人民医院")
    c = services.person_identify(name="柴东剑", unit="市中医医院")
    assert a == b != c


def test_same_name_in_two_units_are_two_people_until_merged(gazette):
    chen = Recipient.objects.filter(person_name="陈霞")
    assert chen.count() == 1
    other = services.person_identify(name="陈霞", unit="衢江区应急局")
    assert other != chen.first().person
    kept = services.person_merge(keep=chen.first().person, merge=other)
    assert PersonKey.objects.filter(person=kept).count() == 2
    assert not Person.objects.filter(pk=other.pk).exists()
    assert services.person_identify(name="陈霞", unit="衢江区应急局") == kept


def test_split_gives_a_unit_its_own_person_with_its_honours(gazette):
    chai = Recipient.objects.filter(person_name="柴东剑").first().person
    other = services.person_identify(name="柴东剑", unit="江山市人民医院")
    services.person_merge(keep=chai, merge=other)
    key = PersonKey.objects.get(name="柴东剑", organisation__name="江山市人民医院")
    new = services.person_split_key(key=key)
    assert new != chai
    assert Recipient.objects.filter(person=chai).count() == 2
    with pytest.raises(ValueError, match="只有一个识别键"):
        services.person_split_key(key=PersonKey.objects.get(person=new))


def test_admin_merge_action_refuses_different_names(gazette, client, shifuban_user):
    a = services.person_identify(name="张三", unit="市民政局")
    b = services.person_identify(name="李四", unit="市民政局")
    client.force_login(shifuban_user)
    client.post("/admin/awards/person/", {"action": "merge_people",
                                          "_selected_action": [a.pk, b.pk]})
    assert Person.objects.filter(pk__in=[a.pk, b.pk]).count() == 2
    c = services.person_identify(name="张三", unit="市卫健委")
    client.post("/admin/awards/person/", {"action": "merge_people",
                                          "_selected_action": [a.pk, c.pk]})
    assert not Person.objects.filter(pk=c.pk).exists()
    assert a.keys.count() == 2
