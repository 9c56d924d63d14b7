"""Commendations (表彰、记功嘉奖): decisions, their sections and recipients (DOMAIN §1).

A person is identified across decisions by name + work unit (``PersonKey``), with units
resolved through core's organisation aliases (市人民医院 ≡ 衢州市人民医院).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from apps.core.models import Organisation, VoidRecord


class AwardKind(models.TextChoices):
    """Award kinds of 衢政发〔2020〕12–15号."""

    ADVANCED_COLLECTIVE = "advanced_collective", "先进集体"
    ADVANCED_INDIVIDUAL = "advanced_individual", "先进个人"
    COLLECTIVE_FIRST = "collective_first", "集体一等功"
    COLLECTIVE_SECOND = "collective_second", "集体二等功"
    COLLECTIVE_THIRD = "collective_third", "集体三等功"
    COLLECTIVE_COMMENDATION = "collective_commendation", "集体嘉奖"
    INDIVIDUAL_FIRST = "individual_first", "个人一等功"
    INDIVIDUAL_SECOND = "individual_second", "个人二等功"
    INDIVIDUAL_THIRD = "individual_third", "个人三等功"
    INDIVIDUAL_COMMENDATION = "individual_commendation", "个人嘉奖"

    @classmethod
    def from_label(cls, label: str) -> AwardKind:
        for kind in cls:
            if kind.label == label:
                return kind
        raise ValueError(f"未知的奖励类别“{label}”")

    @property
    def collective(self) -> bool:
        return self.value.startswith(("collective", "advanced_collective"))


class Decision(models.Model):
    """A commendation decision or circular (决定 / 通报)."""

    authority_scope = "city"  # awards are city-wide (issue 9 §1)

    class Kind(models.TextChoices):
        DECISION = "decision", "决定"
        CIRCULAR = "circular", "通报"

    number = models.CharField("文号", max_length=60, unique=True,
                              help_text="规范形式,如 衢政发〔2020〕12号")
    issuer_code = models.CharField("机关代字", max_length=30)
    year = models.PositiveIntegerField("年份", db_index=True)
    serial = models.PositiveIntegerField("序号")
    kind = models.CharField("文种", max_length=10, choices=Kind.choices, default=Kind.DECISION)
    title = models.CharField("标题", max_length=300)
    issuing_body = models.CharField("发文机关", max_length=100)
    date = models.DateField("成文日期")
    basis = models.CharField("依据", max_length=300, blank=True,
                             help_text="如《公务员法》《浙江省行政奖励暂行办法》")
    public = models.BooleanField("公开发布", default=False)
    source_article = models.ForeignKey(
        "gazette.Article", verbose_name="政报来源", null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = "表彰决定"
        verbose_name_plural = "表彰决定"
        ordering = ["-date", "number"]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class Section(models.Model):
    """A list heading with its declared count ("(一)市本级(12家)")."""

    authority_scope = "city"  # awards are city-wide (issue 9 §1)

    decision = models.ForeignKey(Decision, verbose_name="决定", related_name="sections",
                                 on_delete=models.CASCADE)
    parent = models.ForeignKey("self", verbose_name="上级栏目", null=True, blank=True,
                               related_name="children", on_delete=models.CASCADE)
    order = models.PositiveIntegerField("顺序")
    title = models.CharField("栏目", max_length=200)
    award = models.CharField("奖励类别", max_length=30, choices=AwardKind.choices, blank=True)
    declared_count = models.PositiveIntegerField("公布数量", null=True, blank=True,
                                                 help_text="标题中写明的数量;未写明则留空")

    history = HistoricalRecords()

    class Meta:
        verbose_name = "表彰栏目"
        verbose_name_plural = "表彰栏目"
        ordering = ["decision", "order"]
        constraints = [
            # Sections are ordered within a decision, each position once.
            models.UniqueConstraint(fields=["decision", "order"], name="awards_section_order_once"),
        ]

    def __str__(self) -> str:
        return f"{self.decision.number} {self.title}"


class Person(models.Model):
    """One real person, however many decisions or notices name them."""

    authority_scope = "city"  # awards are city-wide (issue 9 §1)

    name = models.CharField("姓名", max_length=50, db_index=True)
    note = models.CharField("备注", max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "人员"
        verbose_name_plural = "人员"
        ordering = ["name", "id"]

    def __str__(self) -> str:
        units = "、".join(k.organisation.name for k in self.keys.all() if k.organisation_id)
        return f"{self.name}({units})" if units else self.name


class PersonKey(models.Model):
    """Name + work unit that identifies a person in documents (DOMAIN §1)."""

    authority_scope = "city"  # awards are city-wide (issue 9 §1)

    person = models.ForeignKey(Person, verbose_name="人员", related_name="keys",
                               on_delete=models.CASCADE)
    name = models.CharField("姓名", max_length=50)
    organisation = models.ForeignKey(Organisation, verbose_name="单位", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")

    history = HistoricalRecords()

    class Meta:
        verbose_name = "人员识别键"
        verbose_name_plural = "人员识别键"
        constraints = [
            # One name at one unit is one person.
            models.UniqueConstraint(fields=["name", "organisation"],
                                    condition=Q(organisation__isnull=False),
                                    name="awards_personkey_name_unit_once"),
            # A name without a unit identifies one person too.
            models.UniqueConstraint(fields=["name"], condition=Q(organisation__isnull=True),
                                    name="awards_personkey_name_no_unit_once"),
        ]

    def __str__(self) -> str:
        return f"{self.name}({self.organisation or '单位不详'})"


class RecipientQuerySet(models.QuerySet):
    def listed(self) -> RecipientQuerySet:
        """Recipients that count: a voided one (``RecipientVoid``) stays recorded but leaves
        the lists, counts, honours and the API (issue 9 §4)."""
        return self.filter(void__isnull=True)


class Recipient(models.Model):
    """A listed recipient: an organisation (collective) or a person with work unit."""

    authority_scope = "city"  # awards are city-wide (issue 9 §1)

    section = models.ForeignKey(Section, verbose_name="栏目", related_name="recipients",
                                on_delete=models.CASCADE)
    order = models.PositiveIntegerField("顺序")
    text = models.CharField("原文", max_length=300)
    organisation = models.ForeignKey(
        Organisation, verbose_name="单位", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", help_text="集体:受表彰单位;个人:工作单位",
    )
    unit_text = models.CharField("单位(原文)", max_length=200, blank=True)
    person = models.ForeignKey(Person, verbose_name="个人", null=True, blank=True,
                               related_name="honours", on_delete=models.PROTECT)
    person_name = models.CharField("姓名(原文)", max_length=50, blank=True)

    objects = RecipientQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "受表彰对象"
        verbose_name_plural = "受表彰对象"
        ordering = ["section__decision", "section__order", "order"]
        constraints = [
            # Recipients are ordered within a section, each position once.
            models.UniqueConstraint(fields=["section", "order"],
                                    name="awards_recipient_order_once"),
            # A recipient is a person or a collective (organisation), never neither.
            models.CheckConstraint(condition=Q(person__isnull=False) | Q(organisation__isnull=False),
                                   name="awards_recipient_person_or_unit"),
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def is_individual(self) -> bool:
        return self.person_id is not None

    def locked_reason(self) -> str | None:
        """A published recipient is never edited or deleted (issue 9 §4): a mistake is voided
        with a reason or corrected by a new recipient (``services.recipient_void`` /
        ``recipient_correct``); the gazette importer re-derives its own rows (``deriving()``)."""
        return "是已公布的表彰名单条目"


class RecipientVoid(VoidRecord):
    """A recipient declared wrong (作废) or replaced by a corrected one (更正), with the
    reason, who and when (issue 9 §4). Never edited or deleted either."""

    recipient = models.OneToOneField(Recipient, verbose_name="被作废的受表彰对象",
                                     related_name="void", on_delete=models.PROTECT)
    replacement = models.OneToOneField(Recipient, verbose_name="更正后的受表彰对象", null=True,
                                       blank=True, related_name="corrects",
                                       on_delete=models.PROTECT)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "受表彰对象作废记录"
        verbose_name_plural = "受表彰对象作废记录"
        ordering = ["-voided_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="awards_void_reason_given",
                                   violation_error_message="请填写作废/更正原因"),
        ]

    def __str__(self) -> str:
        return f"作废:{self.recipient}({self.reason})"
