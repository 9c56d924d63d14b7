"""DOMAIN §1: a person is name + unit (aliases resolved); staff can merge and split identities."""

import pytest
from django.core.exceptions import ValidationError

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


def test_seed_chai_dongjian_is_one_person_with_one_key_for_both_spellings(gazette):
    person, = Person.objects.filter(name="柴东剑")
    assert [(k.name, k.organisation.name) for k in person.keys.all()] == [("柴东剑", "衢州市人民医院")]
    assert sorted(r.unit_text for r in person.honours.all()) == sorted(["市人民医院", "衢州市人民医院"])


def test_same_name_in_different_units_stays_two_people_through_an_import(gazette):
    from apps.awards.models import Decision

    decision = Decision.objects.get(number="衢政发〔2020〕15号")
    section = decision.sections.get()
    services.recipient_record(section=section, order=2, text="柴东剑(江山市人民医院)",
                              name="柴东剑", unit="江山市人民医院")
    people = Person.objects.filter(name="柴东剑")
    assert people.count() == 2
    assert sorted(p.honours.count() for p in people) == [1, 2]


def test_admin_merge_and_split_are_audited_with_actor_and_moves(gazette, client, shifuban_user):
    from apps.core.models import AuditEvent

    chai = Recipient.objects.filter(person_name="柴东剑").first().person
    other = services.person_identify(name="柴东剑", unit="江山市人民医院")
    client.force_login(shifuban_user)
    client.post("/admin/awards/person/", {"action": "merge_people",
                                          "_selected_action": [chai.pk, other.pk]})
    merged = AuditEvent.objects.get(action="bulk", model="awards.Person", note__startswith="合并人员")
    assert merged.actor == shifuban_user
    assert merged.note == f"合并人员:柴东剑#{other.pk}并入柴东剑#{chai.pk}"
    assert merged.changes["counts"] == {"merged": 1, "awards.PersonKey": 1}
    assert PersonKey.objects.filter(person=chai).count() == 2
    client.post("/admin/awards/person/", {"action": "split_by_unit",
                                          "_selected_action": [chai.pk]})
    split = AuditEvent.objects.get(action="bulk", model="awards.Person", note__startswith="拆分人员")
    assert split.actor == shifuban_user
    assert "柴东剑(江山市人民医院)" in split.note
    assert Recipient.objects.filter(person=chai).count() == 2
    assert Person.objects.filter(name="柴东剑").count() == 2


def test_every_key_to_person_is_registered_for_merge_and_split():
    """Issue 14 §5: merge and split move the references each app registered
    (``apps.awards.people``); an unregistered key would block a merge (PROTECT) or stay
    behind. History rows keep the person they recorded and are not references."""
    from django.apps import apps as django_apps

    from apps.awards import people

    keys = {(model._meta.label, field.name) for model in django_apps.get_models()
            if not model.__name__.startswith("Historical")
            for field in model._meta.concrete_fields
            if field.is_relation and field.related_model is Person}
    registered = {(ref.label, ref.field) for ref in people.references()}
    assert keys == registered
    assert ("personnel.AppointmentItem", "person") in registered  # another app's key counts


def test_merge_check_is_the_one_merge_rule():
    a = Person(name="张三")
    with pytest.raises(ValidationError, match="请至少选择两个人员"):
        services.merge_check(people=[a])
    with pytest.raises(ValidationError, match="姓名不同"):
        services.merge_check(people=[a, Person(name="张三"), Person(name="李四")])
    services.merge_check(people=[a, Person(name="张 三")])  # one spelling (core.text.clean)


def test_merge_moves_posts_and_split_takes_back_the_posts_of_its_unit(gazette):
    """A merge moves another app's registered references (personnel posts); splitting the
    key off moves back the posts recorded under that name + unit (DOMAIN §1, §2)."""
    from apps.personnel.models import AppointmentItem

    item = AppointmentItem.objects.select_related("person", "organisation").first()
    holder = item.person
    posts = AppointmentItem.objects.filter(person=holder).count()
    other = services.person_identify(name=holder.name, unit="衢江区应急局")
    kept = services.person_merge(keep=other, merge=holder)
    assert AppointmentItem.objects.filter(person=kept).count() == posts
    key = PersonKey.objects.get(person=kept, name=item.person_name or holder.name,
                                organisation=item.organisation)
    split = services.person_split_key(key=key)
    assert AppointmentItem.objects.get(pk=item.pk).person == split
