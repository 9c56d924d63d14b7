"""Keep dated facts and stale marks true whatever writes the inputs (admin forms, inlines,
ORM saves); the imports write with set-based SQL and call the same functions themselves.

- Facts (issue 10 §2, DOMAIN §7): a beneficiary or university saved without a fact (admin
  form, ORM) gets one from 自始 — nothing earlier is known, and a school not yet on record
  counts for every month; the imports date their own facts. A changed county/城乡 or student count on the record itself starts a fact
  from the current month. Saving or deleting a fact sets the record's latest values.
- Stale drafts (issue 10 §4): any change to an input marks the unapproved rolls it feeds.
"""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save, pre_save
from django.utils import timezone

from . import rules
from .models import (
    ALWAYS,
    Beneficiary,
    BeneficiaryFact,
    Enrolment,
    LocalStandard,
    MonthlyIndex,
    PolicyVersion,
    University,
    UniversityFact,
)


def _this_month():
    return rules.parse_month(timezone.localdate())


# At most this many ids in one ``IN (…)`` (issue 13 §1: no unbounded ``IN``; PostgreSQL
# takes 65,535 parameters at most, and a long list defeats the plan cache).
BATCH = 1000


def _batches(ids):
    ids = sorted(set(ids))
    for start in range(0, len(ids), BATCH):
        yield ids[start:start + BATCH]


def sync_beneficiaries(ids) -> None:
    """``Beneficiary.region``/``residence`` = the values of the person's latest fact; ids are
    read in batches of ``BATCH``."""
    for batch in _batches(ids):
        latest: dict[int, BeneficiaryFact] = {}
        for fact in BeneficiaryFact.objects.filter(beneficiary_id__in=batch).order_by(
                "beneficiary_id", "-from_month"):
            latest.setdefault(fact.beneficiary_id, fact)
        for pk, fact in latest.items():
            Beneficiary.objects.filter(pk=pk).exclude(region=fact.region_id,
                                                      residence=fact.residence).update(
                region=fact.region_id, residence=fact.residence)


def sync_universities(ids) -> None:
    """``University.students`` = the school's latest count; ids are read in batches."""
    for batch in _batches(ids):
        latest: dict[int, UniversityFact] = {}
        for fact in UniversityFact.objects.filter(university_id__in=batch).order_by(
                "university_id", "-from_month"):
            latest.setdefault(fact.university_id, fact)
        for pk, fact in latest.items():
            University.objects.filter(pk=pk).exclude(students=fact.students).update(
                students=fact.students)


def _stale(reason, **where):
    from .services import mark_stale

    mark_stale(reason=reason, **where)


def beneficiary_saved(sender, instance: Beneficiary, created, raw=False, **kwargs):
    if raw:
        return
    latest = instance.facts.order_by("-from_month").first()
    if latest is None:
        BeneficiaryFact.objects.create(beneficiary=instance, from_month=ALWAYS,
                                       region_id=instance.region_id,
                                       residence=instance.residence)
    elif (latest.region_id, latest.residence) != (instance.region_id, instance.residence):
        BeneficiaryFact.objects.update_or_create(
            beneficiary=instance, from_month=max(_this_month(), latest.from_month),
            defaults={"region_id": instance.region_id, "residence": instance.residence})
    _stale("补贴对象变更")


def beneficiary_fact_changed(sender, instance: BeneficiaryFact, raw=False, **kwargs):
    if raw:
        return
    sync_beneficiaries([instance.beneficiary_id])
    _stale("补贴对象区划城乡变更", since=instance.from_month)


def university_saved(sender, instance: University, created, raw=False, **kwargs):
    if raw:
        return
    latest = instance.facts.order_by("-from_month").first()
    if latest is None:
        UniversityFact.objects.create(university=instance, from_month=ALWAYS,
                                      students=instance.students)
    elif latest.students != instance.students:
        UniversityFact.objects.update_or_create(
            university=instance, from_month=max(_this_month(), latest.from_month),
            defaults={"students": instance.students})
    _stale("市属高校变更")


def university_fact_changed(sender, instance: UniversityFact, raw=False, **kwargs):
    if raw:
        return
    sync_universities([instance.university_id])
    _stale("高校在校学生数变更", since=instance.from_month)


def enrolment_changed(sender, instance: Enrolment, raw=False, **kwargs):
    if not raw:
        _stale("补贴资格变更", since=instance.from_month)


def standard_changed(sender, instance: LocalStandard, raw=False, **kwargs):
    if not raw:
        _stale(f"{instance.region}地方保障标准变更", since=instance.from_month)


def index_changed(sender, instance: MonthlyIndex, raw=False, **kwargs):
    if not raw:
        _stale("月度价格指数变更", month=instance.month)


def policy_changed(sender, instance: PolicyVersion, raw=False, **kwargs):
    if not raw:
        _stale("补贴政策版本变更")


def _roll_printed_fields(sender) -> tuple[str, ...]:
    """What stored roll files print of a record besides its lines (``exports.roll_rows``):
    a person's name and ID, a region's code, the policy's payment label (备注)."""
    from apps.core.models import Region

    return {Beneficiary: ("name", "resident_id_digest"), Region: ("code",),
            PolicyVersion: ("payment_label",)}[sender]


def rolls_printed_before(sender, instance, raw=False, using="default", **kwargs) -> None:
    """Remember the printed values as stored, so a save that changes none of them (a
    person's 城乡, a note) leaves every stored roll file valid."""
    fields = _roll_printed_fields(sender)
    instance._roll_printed_before = (
        sender._default_manager.using(using).filter(pk=instance.pk).values_list(*fields).first()
        if instance.pk is not None else None)


def rolls_printed_changed(sender, instance, created=False, using="default", **kwargs) -> None:
    """A name, ID, region code or payment label printed in stored roll files changed: they
    are stale (issue 13 §3, ``rollfiles.bump``); a new record is in no stored roll yet."""
    if created:
        return
    fields = _roll_printed_fields(sender)
    before = getattr(instance, "_roll_printed_before", None)
    if before is not None and tuple(before) == tuple(getattr(instance, f) for f in fields):
        return
    from . import rollfiles

    rollfiles.bump(f"{sender._meta.verbose_name}变更", using=using)


def connect() -> None:
    uid = "subsidies."
    post_save.connect(beneficiary_saved, sender=Beneficiary, dispatch_uid=uid + "b")
    post_delete.connect(lambda sender, **kw: _stale("补贴对象删除"), sender=Beneficiary,
                        dispatch_uid=uid + "bd", weak=False)
    for model, handler, key in (
            (BeneficiaryFact, beneficiary_fact_changed, "bf"),
            (UniversityFact, university_fact_changed, "uf"),
            (Enrolment, enrolment_changed, "e"),
            (LocalStandard, standard_changed, "s"),
            (MonthlyIndex, index_changed, "i"),
            (PolicyVersion, policy_changed, "p")):
        post_save.connect(handler, sender=model, dispatch_uid=uid + key)
        post_delete.connect(handler, sender=model, dispatch_uid=uid + key + "d")
    post_save.connect(university_saved, sender=University, dispatch_uid=uid + "u")
    from apps.core.models import Region

    for model, key in ((Beneficiary, "b"), (Region, "r"), (PolicyVersion, "p")):
        pre_save.connect(rolls_printed_before, sender=model, dispatch_uid=uid + "rfp" + key)
        post_save.connect(rolls_printed_changed, sender=model, dispatch_uid=uid + "rf" + key)
        post_delete.connect(rolls_printed_changed, sender=model,
                            dispatch_uid=uid + "rfd" + key)
    post_delete.connect(lambda sender, **kw: _stale("市属高校删除"), sender=University,
                        dispatch_uid=uid + "ud", weak=False)
