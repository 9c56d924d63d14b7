"""Appointments (职务任免) and duty division (领导分工), DOMAIN §2.

Notices and their ordered items are the events; the roster (who holds which post or rank,
since when) is derived from them in ``selectors.tenures``.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from apps.awards.models import Person
from apps.core.models import Organisation, VoidRecord


class AppointmentNotice(models.Model):
    """An appointment notice, e.g. 衢政干〔2020〕9号."""

    authority_scope = "city"  # personnel is city-wide (issue 9 §1)

    number = models.CharField("文号", max_length=60, unique=True)
    issuer_code = models.CharField("机关代字", max_length=30)
    year = models.PositiveIntegerField("年份", db_index=True)
    serial = models.PositiveIntegerField("序号")
    title = models.CharField("标题", max_length=300)
    issuing_body = models.CharField("发文机关", max_length=100)
    date = models.DateField("成文日期")
    public = models.BooleanField("公开发布", default=False)
    source_article = models.ForeignKey(
        "gazette.Article", verbose_name="政报来源", null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = "任免通知"
        verbose_name_plural = "任免通知"
        ordering = ["-date", "number"]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class AppointmentItem(models.Model):
    """One item of a notice: appoint to / remove from a post (职务) or rank (职级)."""

    authority_scope = "city"  # personnel is city-wide (issue 9 §1)

    class Action(models.TextChoices):
        APPOINT = "appoint", "任"
        REMOVE = "remove", "免去"

    class Kind(models.TextChoices):
        POST = "post", "职务"
        RANK = "rank", "职级"

    notice = models.ForeignKey(AppointmentNotice, verbose_name="任免通知", related_name="items",
                               on_delete=models.CASCADE)
    order = models.PositiveIntegerField("顺序")
    person = models.ForeignKey(Person, verbose_name="人员", related_name="appointments",
                               on_delete=models.PROTECT)
    person_name = models.CharField("姓名(原文)", max_length=50, blank=True,
                                   help_text="留空则取人员姓名")
    action = models.CharField("任免", max_length=10, choices=Action.choices)
    kind = models.CharField("职务/职级", max_length=10, choices=Kind.choices)
    organisation = models.ForeignKey(Organisation, verbose_name="单位", on_delete=models.PROTECT,
                                     related_name="+")
    title = models.CharField("职务或职级名称", max_length=100,
                             help_text="如 秘书处副处长、一级主任科员")
    probation_months = models.PositiveSmallIntegerField(
        "试用期(月)", null=True, blank=True, help_text="“试用期一年”为12;无试用期留空")
    probation_until = models.DateField("试用期满", null=True, blank=True, db_index=True,
                                       help_text="通知日期起算,一年后同日")
    election_confirmation = models.BooleanField("确认选举结果", default=False)
    election_text = models.CharField("选举说明", max_length=200, blank=True)
    text = models.CharField("原文", max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "任免事项"
        verbose_name_plural = "任免事项"
        ordering = ["notice__date", "notice__number", "order"]
        constraints = [
            # Items are ordered within a notice, each position once.
            models.UniqueConstraint(fields=["notice", "order"], name="personnel_item_order_once"),
            # Probation belongs to appointments only, and has an end date when it exists.
            models.CheckConstraint(
                condition=Q(probation_months__isnull=True, probation_until__isnull=True)
                | Q(action="appoint", probation_months__gt=0, probation_until__isnull=False),
                name="personnel_item_probation_on_appointment",
            ),
        ]

    def __str__(self) -> str:
        verb = "任" if self.action == self.Action.APPOINT else "免去"
        return f"{self.person_name} {verb} {self.organisation}{self.title}"

    @property
    def post_label(self) -> str:
        return f"{self.organisation.name}{self.title}"

    def locked_reason(self) -> str | None:
        """A published appointment item is never edited or deleted (issue 9 §4): a mistake is
        voided with a reason or corrected by a new item (``services.item_void`` /
        ``item_correct``) and the roster follows; the gazette importer re-derives its own
        items and a notice's probation ends follow its date (``deriving()``)."""
        return "是已公布的任免事项"


class AppointmentItemVoid(VoidRecord):
    """An appointment item declared wrong (作废) or replaced by a corrected one (更正), with
    the reason, who and when (issue 9 §4); the roster ignores the voided item."""

    item = models.OneToOneField(AppointmentItem, verbose_name="被作废的任免事项",
                                related_name="void", on_delete=models.PROTECT)
    replacement = models.OneToOneField(AppointmentItem, verbose_name="更正后的任免事项",
                                       null=True, blank=True, related_name="corrects",
                                       on_delete=models.PROTECT)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "任免事项作废记录"
        verbose_name_plural = "任免事项作废记录"
        ordering = ["-voided_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="personnel_void_reason_given",
                                   violation_error_message="请填写作废/更正原因"),
        ]

    def __str__(self) -> str:
        return f"作废:{self.item}({self.reason})"


class ProbationFlag(models.Model):
    """A probation period ending soon, flagged for HR by the nightly job (DOMAIN §2)."""

    authority_scope = "city"  # personnel is city-wide (issue 9 §1)

    item = models.OneToOneField(AppointmentItem, verbose_name="任免事项", related_name="flag",
                                on_delete=models.CASCADE)
    flagged_on = models.DateField("提醒日期")
    probation_until = models.DateField("试用期满")
    notice = models.ForeignKey("core.Notice", verbose_name="提醒通知", null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+")

    history = HistoricalRecords()

    class Meta:
        verbose_name = "试用期到期提醒"
        verbose_name_plural = "试用期到期提醒"
        ordering = ["probation_until"]

    def __str__(self) -> str:
        return f"{self.item.person_name} 试用期 {self.probation_until} 满"


class DutyDivision(models.Model):
    """A duty-division notice (领导分工), e.g. 衢政办发〔2020〕19号; the latest one is current."""

    authority_scope = "city"  # personnel is city-wide (issue 9 §1)

    number = models.CharField("文号", max_length=60, unique=True)
    title = models.CharField("标题", max_length=300)
    issuing_body = models.CharField("发文机关", max_length=100)
    date = models.DateField("成文日期")
    public = models.BooleanField("公开发布", default=False)
    source_article = models.ForeignKey(
        "gazette.Article", verbose_name="政报来源", null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = "领导分工"
        verbose_name_plural = "领导分工"
        ordering = ["-date"]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class Office(models.Model):
    """An office whose work a leader is in charge of (综合四处, 督查室 …)."""

    authority_scope = "city"  # personnel is city-wide (issue 9 §1)

    name = models.CharField("处室", max_length=100, unique=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "处室"
        verbose_name_plural = "处室"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class DutyAssignment(models.Model):
    """One leader's titles and duties in a duty division."""

    authority_scope = "city"  # personnel is city-wide (issue 9 §1)

    division = models.ForeignKey(DutyDivision, verbose_name="领导分工", related_name="assignments",
                                 on_delete=models.CASCADE)
    order = models.PositiveIntegerField("顺序")
    person = models.ForeignKey(Person, verbose_name="人员", related_name="duties",
                               on_delete=models.PROTECT)
    person_name = models.CharField("姓名", max_length=50)
    titles = models.JSONField("职务", default=list)
    duties = models.TextField("分工")

    history = HistoricalRecords()

    class Meta:
        verbose_name = "领导分工条目"
        verbose_name_plural = "领导分工条目"
        ordering = ["division", "order"]
        constraints = [
            # Leaders are ordered within a division, each position once.
            models.UniqueConstraint(fields=["division", "order"], name="personnel_duty_order_once"),
        ]

    def __str__(self) -> str:
        return f"{self.person_name} {'、'.join(self.titles)}"


class DutyOffice(models.Model):
    """A leader is in charge of (分管), assists with (协助分管) or presides over (主持…工作,
    issue 10 §13) an office."""

    authority_scope = "city"  # personnel is city-wide (issue 9 §1)

    class Relation(models.TextChoices):
        IN_CHARGE = "in_charge", "分管"
        ASSISTING = "assisting", "协助分管"
        PRESIDING = "presiding", "主持工作"

    assignment = models.ForeignKey(DutyAssignment, verbose_name="领导分工条目",
                                   related_name="offices", on_delete=models.CASCADE)
    office = models.ForeignKey(Office, verbose_name="处室", related_name="leaders",
                               on_delete=models.PROTECT)
    relation = models.CharField("关系", max_length=20, choices=Relation.choices)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "分管处室"
        verbose_name_plural = "分管处室"
        constraints = [
            # A leader relates to an office once per division.
            models.UniqueConstraint(fields=["assignment", "office"],
                                    name="personnel_duty_office_once"),
        ]

    def __str__(self) -> str:
        return f"{self.assignment.person_name} {self.get_relation_display()} {self.office}"
