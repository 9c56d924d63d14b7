"""Price-subsidy disbursement (困难群众基本生活价格补贴), 衢政办发〔2020〕20号 (DOMAIN §5).

Months are stored as the first day of the month (``DateField``). Policy parameters live in
a dated ``PolicyVersion``; a ``SubsidyRun`` freezes the index, policy and standards it used
(``RunRate`` rows + ``snapshot``) so an approved roll can always be explained.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from apps.core.fields import ResidentIdDigestField, ResidentIdField
from apps.core.models import Job as CoreJob
from apps.core.models import JobStatus as JobStatus  # re-exported for the subsidies modules
from apps.core.models import Organisation, Region

MONEY = {"max_digits": 14, "decimal_places": 2}
PERCENT = {"max_digits": 6, "decimal_places": 2}


class Category(models.TextChoices):
    """补贴对象类别 (衢政办发〔2020〕20号 二). Labels are the import file's 类别 values."""

    DIBAO = "dibao", "低保"
    EDGE = "edge", "低保边缘"
    TEKUN = "tekun", "特困供养"
    SANLAO = "sanlao", "农村三老"
    ORPHAN = "orphan", "孤儿困境儿童"
    YOUFU = "youfu", "重点优抚"
    UNEMPLOYMENT = "unemployment", "失业保险金"


class Department(models.TextChoices):
    """发放部门 (衢政办发〔2020〕20号 一:成员单位职责分工)."""

    CIVIL_AFFAIRS = "minzheng", "民政部门"
    HRSS = "renshe", "人社部门"
    VETERANS = "tuiyi", "退役军人事务部门"


class Residence(models.TextChoices):
    URBAN = "urban", "城镇"
    RURAL = "rural", "农村"


# Who pays each category (衢政办发〔2020〕20号 一).
PAYING_DEPARTMENT = {
    Category.DIBAO: Department.CIVIL_AFFAIRS,
    Category.EDGE: Department.CIVIL_AFFAIRS,
    Category.TEKUN: Department.CIVIL_AFFAIRS,
    Category.SANLAO: Department.CIVIL_AFFAIRS,
    Category.ORPHAN: Department.CIVIL_AFFAIRS,
    Category.YOUFU: Department.VETERANS,
    Category.UNEMPLOYMENT: Department.HRSS,
}


class PolicyVersion(models.Model):
    """A dated set of policy parameters; the one with the latest ``effective_from`` not after
    the month's last day applies (衢政办发〔2020〕20号 applies from 2020-02-13)."""

    document = models.CharField("依据文号", max_length=60)
    effective_from = models.DateField("执行起始日", unique=True)
    scpi_threshold = models.DecimalField("SCPI启动涨幅(%)", **PERCENT)
    food_threshold = models.DecimalField("CPI食品启动涨幅(%)", **PERCENT)
    minimum_rate = models.DecimalField("最低补贴涨幅(%)", **PERCENT)
    multiplier = models.DecimalField("低保类倍数", max_digits=5, decimal_places=2)
    floor = models.DecimalField("每人每月最低金额(元)", **MONEY)
    edge_ratio = models.DecimalField("低保边缘比例", max_digits=4, decimal_places=3)
    university_ratio = models.DecimalField("高校伙食补贴比例", max_digits=4, decimal_places=3)
    rounding_unit = models.DecimalField("取整单位(元)", max_digits=4, decimal_places=2,
                                        default=Decimal("0.01"))
    payment_label = models.CharField("发放备注", max_length=50, default="价格临时补贴")

    history = HistoricalRecords()

    # The city's policy: read-only to county-level staff (issue 9 §1).
    authority_scope = "city"

    class Meta:
        verbose_name = "补贴政策版本"
        verbose_name_plural = "补贴政策版本"
        ordering = ["-effective_from"]
        constraints = [
            # Parameters are positive; the ratios are fractions (50 % = 0.5).
            models.CheckConstraint(
                condition=Q(scpi_threshold__gt=0, food_threshold__gt=0, minimum_rate__gte=0,
                            multiplier__gt=0, floor__gte=0, rounding_unit__gt=0,
                            edge_ratio__gt=0, edge_ratio__lte=1,
                            university_ratio__gt=0, university_ratio__lte=1),
                name="subsidy_policy_parameters_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.document}(自{self.effective_from}起)"


class LocalStandard(models.Model):
    """当地现行城乡月低保标准和失业保险金标准, per region from a month on (DOMAIN §5)."""

    region = models.ForeignKey(Region, verbose_name="区划", on_delete=models.PROTECT,
                               related_name="subsidy_standards")
    from_month = models.DateField("起始月份")
    urban_dibao = models.DecimalField("城市低保标准(元/月)", **MONEY)
    rural_dibao = models.DecimalField("农村低保标准(元/月)", **MONEY)
    unemployment = models.DecimalField("失业保险金标准(元/月)", **MONEY)

    history = HistoricalRecords()

    # A county upserts only its own standard (issue 9 §2).
    authority_scope = "region"

    class Meta:
        verbose_name = "地方保障标准"
        verbose_name_plural = "地方保障标准"
        ordering = ["region__code", "-from_month"]
        constraints = [
            # One standard per region starting in a given month.
            models.UniqueConstraint(fields=["region", "from_month"],
                                    name="subsidy_standard_once_per_region_month"),
            # Standards are money amounts and never negative.
            models.CheckConstraint(
                condition=Q(urban_dibao__gte=0, rural_dibao__gte=0, unemployment__gte=0),
                name="subsidy_standard_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.region.name} 自{self.from_month:%Y-%m}"

    def delete_refused_reason(self) -> str | None:
        """A standard an approved roll used stays: later adjustment rolls recompute from it
        (issue 9 §4); a new standard from a later month replaces it."""
        used = SubsidyRun.objects.filter(status__in=LOCKED_STATUSES, month__gte=self.from_month,
                                         rates__region_id=self.region_id).exists()
        return "已用于已审核的补贴名单" if used else None


class MonthlyIndex(models.Model):
    """全省SCPI和CPI食品单月同比涨幅(%),国家统计局浙江调查总队 (衢政办发〔2020〕20号 三)."""

    month = models.DateField("月份", unique=True)
    scpi = models.DecimalField("SCPI同比涨幅(%)", **PERCENT)
    cpi_food = models.DecimalField("CPI食品同比涨幅(%)", **PERCENT)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="录入人", null=True,
                                   blank=True, on_delete=models.SET_NULL, related_name="+")
    entered_at = models.DateTimeField("录入时间", auto_now=True)

    history = HistoricalRecords()

    # The province's indices apply to the whole city (issue 9 §1: city level only).
    authority_scope = "city"

    class Meta:
        verbose_name = "月度价格指数"
        verbose_name_plural = "月度价格指数"
        ordering = ["-month"]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} SCPI {self.scpi}% 食品 {self.cpi_food}%"

    def delete_refused_reason(self) -> str | None:
        """The index of an approved month stays: its adjustment rolls are computed from it
        (issue 9 §4); a revised index is entered over it, never deleted."""
        used = SubsidyRun.objects.filter(status__in=LOCKED_STATUSES, month=self.month).exists()
        return "已用于已审核的补贴名单" if used else None


class Beneficiary(models.Model):
    """补贴对象: one person, identified by resident ID (stored encrypted + digest)."""

    name = models.CharField("姓名", max_length=50)
    resident_id = ResidentIdField()
    resident_id_digest = ResidentIdDigestField(unique=True)
    region = models.ForeignKey(Region, verbose_name="区划", on_delete=models.PROTECT,
                               related_name="subsidy_beneficiaries")
    residence = models.CharField("城乡", max_length=5, choices=Residence.choices)

    history = HistoricalRecords()

    authority_scope = "region"

    class Meta:
        verbose_name = "补贴对象"
        verbose_name_plural = "补贴对象"
        ordering = ["region__code", "name"]
        # The admin list's order, its name sort and county filter (issue 13 §1); name
        # search has a trigram index (migration 0008, PostgreSQL).
        indexes = [models.Index(fields=["region", "name", "id"], name="subsidy_benef_region_name"),
                   models.Index(fields=["name"], name="subsidy_benef_name")]

    def __str__(self) -> str:
        return self.name


# The start month of a fact known "from the start" (a school on record before anyone dated
# its count): earlier than any month the policy can pay. Shown as 自始.
ALWAYS = dt.date(1900, 1, 1)


def from_month_label(month: dt.date) -> str:
    return "自始" if month <= ALWAYS else f"{month:%Y-%m}"


class BeneficiaryFact(models.Model):
    """A beneficiary's county and 城乡 status from a month on (DOMAIN §7: facts carry the month
    they start). A run or correction for month M uses the fact with the latest ``from_month``
    not after M — before a person's first fact, the first one (nothing earlier is known).
    ``Beneficiary.region``/``residence`` keep the latest values beside these rows."""

    beneficiary = models.ForeignKey(Beneficiary, verbose_name="补贴对象",
                                    on_delete=models.CASCADE, related_name="facts")
    from_month = models.DateField("起始月份")
    region = models.ForeignKey(Region, verbose_name="区划", on_delete=models.PROTECT,
                               related_name="+")
    residence = models.CharField("城乡", max_length=5, choices=Residence.choices)

    history = HistoricalRecords()

    authority_scope = "region"

    class Meta:
        verbose_name = "补贴对象区划城乡(按月)"
        verbose_name_plural = "补贴对象区划城乡(按月)"
        ordering = ["beneficiary", "-from_month"]
        constraints = [
            # One fact per person and start month (re-imports replace it, never duplicate it).
            models.UniqueConstraint(fields=["beneficiary", "from_month"],
                                    name="subsidy_beneficiary_fact_once"),
        ]

    def __str__(self) -> str:
        return f"{self.beneficiary} 自{from_month_label(self.from_month)}"


class Enrolment(models.Model):
    """A beneficiary's category from a month to a month (inclusive; open-ended if blank)."""

    beneficiary = models.ForeignKey(Beneficiary, verbose_name="补贴对象",
                                    on_delete=models.CASCADE, related_name="enrolments")
    category = models.CharField("类别", max_length=15, choices=Category.choices)
    from_month = models.DateField("起始月份")
    to_month = models.DateField("截止月份", null=True, blank=True)
    department = models.CharField("来源部门", max_length=10, choices=Department.choices)

    history = HistoricalRecords()

    authority_scope = "region"
    authority_region_path = "beneficiary__region"

    class Meta:
        verbose_name = "补贴资格"
        verbose_name_plural = "补贴资格"
        ordering = ["beneficiary", "category", "from_month"]
        indexes = [models.Index(fields=["from_month", "to_month"], name="subsidy_enrol_months")]
        constraints = [
            # A person's category starts once per month (re-imports do not duplicate it).
            models.UniqueConstraint(fields=["beneficiary", "category", "from_month"],
                                    name="subsidy_enrolment_once"),
            # The period runs forwards.
            models.CheckConstraint(condition=Q(to_month__isnull=True)
                                   | Q(to_month__gte=models.F("from_month")),
                                   name="subsidy_enrolment_period_forwards"),
        ]

    def __str__(self) -> str:
        return f"{self.beneficiary} {self.get_category_display()}"


class University(models.Model):
    """市属全日制普通高校 and its full-time student count (衢政办发〔2020〕20号 五)."""

    organisation = models.OneToOneField(Organisation, verbose_name="学校",
                                        on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey(Region, verbose_name="所在区划", on_delete=models.PROTECT,
                               related_name="+")
    students = models.PositiveIntegerField("在校学生数")

    history = HistoricalRecords()

    # A school's own record belongs to the county it stands in; its payment lines are the
    # city's run (``UniversityLine``).
    authority_scope = "region"

    class Meta:
        verbose_name = "市属高校"
        verbose_name_plural = "市属高校"
        ordering = ["organisation__name"]

    def __str__(self) -> str:
        return self.organisation.name


class UniversityFact(models.Model):
    """A university's full-time student count from a month on (衢政办发〔2020〕20号 五:按在校学生
    人数). A run for month M uses the count with the latest ``from_month`` not after M; a school
    with no count in force in M is not paid for M. ``University.students`` is the latest."""

    university = models.ForeignKey(University, verbose_name="学校", on_delete=models.CASCADE,
                                   related_name="facts")
    from_month = models.DateField("起始月份", help_text="1900-01表示自始(每个月都适用)")
    students = models.PositiveIntegerField("在校学生数")

    history = HistoricalRecords()

    authority_scope = "region"
    authority_region_path = "university__region"

    class Meta:
        verbose_name = "高校在校学生数(按月)"
        verbose_name_plural = "高校在校学生数(按月)"
        ordering = ["university", "-from_month"]
        constraints = [
            models.UniqueConstraint(fields=["university", "from_month"],
                                    name="subsidy_university_fact_once"),
        ]

    def __str__(self) -> str:
        return f"{self.university} 自{from_month_label(self.from_month)} {self.students}人"


class RunStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "已提交"
    APPROVED = "approved", "已审核"
    PAID = "paid", "已发放"


# Statuses with financial effect: the run, its roll lines and university lines are immutable
# (issue 9 §4); corrections go into an adjustment roll.
LOCKED_STATUSES = (RunStatus.APPROVED, RunStatus.PAID)


def _run_locked_reason(status: str) -> str | None:
    return RunStatus(status).label if status in LOCKED_STATUSES else None


class RunStep(models.TextChoices):
    """What a ``RunEvent`` records (issue 9 §3: who computed, submitted, returned …)."""

    COMPUTE = "compute", "计算"
    RECOMPUTE = "recompute", "重新计算"
    SUBMIT = "submit", "提交审核"
    APPROVE = "approve", "审核通过"
    RETURN = "return", "退回"
    PAID = "paid", "标记已发放"


class SubsidyRun(models.Model):
    """One month's roll: sequence 0 is the regular roll, 1… are adjustment rolls.

    Status is derived from ``RunEvent`` rows; ``status`` is a cache written in the same
    transaction as the event, used for locking and lists.
    """

    month = models.DateField("月份")
    sequence = models.PositiveSmallIntegerField("序号", default=0,
                                                help_text="0为正常发放,1起为调整")
    policy = models.ForeignKey(PolicyVersion, verbose_name="政策版本", on_delete=models.PROTECT)
    triggered = models.BooleanField("已启动补贴")
    scpi = models.DecimalField("SCPI同比涨幅(%)", **PERCENT)
    cpi_food = models.DecimalField("CPI食品同比涨幅(%)", **PERCENT)
    rate = models.DecimalField("补贴涨幅(%)", null=True, blank=True, **PERCENT)
    snapshot = models.JSONField("计算快照", default=dict, blank=True)
    persons = models.PositiveIntegerField("人数", default=0)
    amount = models.DecimalField("金额(元)", default=Decimal("0"), **MONEY)
    computed_at = models.DateTimeField("计算时间", null=True, blank=True)
    prepared_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="编制人", null=True,
                                    blank=True, on_delete=models.SET_NULL, related_name="+")
    status = models.CharField("状态", max_length=10, choices=RunStatus.choices,
                              default=RunStatus.DRAFT, editable=False)
    stale_since = models.DateTimeField("输入变更时间", null=True, blank=True, editable=False,
                                       help_text="计算后指数、政策、标准、对象或高校数据有变更,需重新计算")
    stale_reason = models.CharField("变更内容", max_length=200, blank=True, editable=False)

    history = HistoricalRecords()

    # The whole city's roll: every step is city level (issue 9 §1, §3).
    authority_scope = "city"

    class Meta:
        verbose_name = "月度补贴测算"
        verbose_name_plural = "月度补贴测算"
        ordering = ["-month", "sequence"]
        permissions = [("approve_subsidyrun", "可审核补贴发放名单")]
        constraints = [
            # One regular roll per month, adjustments numbered after it.
            models.UniqueConstraint(fields=["month", "sequence"], name="subsidy_run_once"),
            # A triggered month has a rate; a month not triggered has none.
            models.CheckConstraint(condition=Q(triggered=True, rate__isnull=False)
                                   | Q(triggered=False, rate__isnull=True),
                                   name="subsidy_run_rate_iff_triggered"),
        ]

    def __str__(self) -> str:
        kind = "正常发放" if self.sequence == 0 else f"调整{self.sequence}"
        return f"{self.month:%Y-%m} {kind}"

    @property
    def is_adjustment(self) -> bool:
        return self.sequence > 0

    @property
    def stale(self) -> bool:
        """An unapproved roll whose inputs changed after it was computed."""
        return self.stale_since is not None and self.status in (RunStatus.DRAFT,
                                                                RunStatus.SUBMITTED)

    def locked_reason(self) -> str | None:
        """Approved and paid rolls are never edited or deleted (issue 9 §4)."""
        return _run_locked_reason(self.status)


class RunEvent(models.Model):
    """A status change of a run: who moved it to which status, when and why."""

    run = models.ForeignKey(SubsidyRun, verbose_name="测算", on_delete=models.CASCADE,
                            related_name="events")
    status = models.CharField("状态", max_length=10, choices=RunStatus.choices)
    at = models.DateTimeField("时间", auto_now_add=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="操作人", null=True,
                           blank=True, on_delete=models.SET_NULL, related_name="+")
    note = models.CharField("说明", max_length=300, blank=True)
    step = models.CharField("操作", max_length=10, choices=RunStep.choices, blank=True)

    authority_scope = "city"

    class Meta:
        verbose_name = "测算状态记录"
        verbose_name_plural = "测算状态记录"
        ordering = ["at", "id"]
        constraints = [
            # Approved and paid happen once per run (drafts may be recomputed, and a returned
            # run is submitted again).
            models.UniqueConstraint(fields=["run", "status"],
                                    condition=Q(status__in=["approved", "paid"]),
                                    name="subsidy_run_step_once"),
        ]

    def __str__(self) -> str:
        return f"{self.run} → {self.get_status_display()}"


class RunRate(models.Model):
    """Frozen amount table of a run: the standard and amount per region × 城乡 × category."""

    run = models.ForeignKey(SubsidyRun, verbose_name="测算", on_delete=models.CASCADE,
                            related_name="rates")
    region = models.ForeignKey(Region, verbose_name="区划", on_delete=models.PROTECT,
                               related_name="+")
    residence = models.CharField("城乡", max_length=5, choices=Residence.choices)
    category = models.CharField("类别", max_length=15, choices=Category.choices)
    department = models.CharField("发放部门", max_length=10, choices=Department.choices)
    standard = models.DecimalField("适用标准(元/月)", **MONEY)
    amount = models.DecimalField("金额(元)", **MONEY)
    priority = models.PositiveSmallIntegerField("同额优先序")

    authority_scope = "city"

    class Meta:
        verbose_name = "测算金额表"
        verbose_name_plural = "测算金额表"
        constraints = [
            models.UniqueConstraint(fields=["run", "region", "residence", "category"],
                                    name="subsidy_rate_once"),
        ]

    def __str__(self) -> str:
        return f"{self.run} {self.region_id} {self.residence} {self.category} {self.amount}"

    def locked_reason(self) -> str | None:
        return _run_locked_reason(self.run.status)


class RollLine(models.Model):
    """One person's payment in a run (就高不就低: one line, the highest category).

    An adjustment roll may hold two lines for a person when the correction moves them to
    another paying department or county: the old line reversed, the full amount through the
    new one (DOMAIN §7), so each department's and county's roll stays true for the month.

    The table takes a million rows a month, so it carries only the indexes it needs: the
    unique (beneficiary, month, sequence, department, region) key also serves the beneficiary
    foreign key, a partial unique (beneficiary, month) key keeps the regular roll to one line
    per person, the
    (run descending, region, department, id) index serves the run key, the rolls and the
    admin list's order (newest roll first) without a sort. The beneficiary key is
    enforced by the database; run and region are written by the run service in the same
    transaction as the run row (the region list is fixed vocabulary), so their per-row
    database checks — about 9 s per key per million rows on PostgreSQL — are left out.
    """

    authority_lock_parent = "run"  # no line is added to or moved into a locked roll

    run = models.ForeignKey(SubsidyRun, verbose_name="测算", on_delete=models.CASCADE,
                            related_name="lines", db_index=False, db_constraint=False)
    month = models.DateField("月份")
    sequence = models.PositiveSmallIntegerField("序号")
    beneficiary = models.ForeignKey(Beneficiary, verbose_name="补贴对象", db_index=False,
                                    on_delete=models.PROTECT, related_name="roll_lines")
    category = models.CharField("类别", max_length=15, choices=Category.choices)
    department = models.CharField("发放部门", max_length=10, choices=Department.choices)
    region = models.ForeignKey(Region, verbose_name="区划", on_delete=models.PROTECT,
                               related_name="+", db_index=False, db_constraint=False)
    residence = models.CharField("城乡", max_length=5, choices=Residence.choices)
    standard = models.DecimalField("适用标准(元/月)", **MONEY)
    amount = models.DecimalField("金额(元)", **MONEY)

    authority_scope = "city"

    class Meta:
        verbose_name = "发放名单明细"
        verbose_name_plural = "发放名单明细"
        ordering = ["region__code", "department", "id"]
        indexes = [models.Index(fields=["-run", "region", "department", "id"],
                                name="subsidy_line_run_region_id"),
                   # The admin's 类别 filter (alone or with a run) in the list's own order: the
                   # run index would read every line of the other categories first (issue 13 §1).
                   models.Index(fields=["category", "-run", "region", "department", "id"],
                                name="subsidy_line_category_run")]
        constraints = [
            # One payment per person per month, roll, department and county: re-runs can
            # never pay twice.
            models.UniqueConstraint(fields=["beneficiary", "month", "sequence", "department",
                                            "region"],
                                    name="subsidy_line_once_per_person_department"),
            # The regular roll pays each person once (就高不就低: one category).
            models.UniqueConstraint(fields=["beneficiary", "month"], condition=Q(sequence=0),
                                    name="subsidy_line_once_per_person"),
            # A regular roll pays positive amounts; adjustments may be negative.
            models.CheckConstraint(condition=Q(sequence__gt=0) | Q(amount__gt=0),
                                   name="subsidy_line_regular_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.run} {self.beneficiary_id} {self.amount}"

    def locked_reason(self) -> str | None:
        """A line of an approved or paid roll is never edited (issue 9 §4); on PostgreSQL a
        trigger refuses it too (migration 0004)."""
        return _run_locked_reason(self.run.status)


class RunTotal(models.Model):
    """Persons (人次: lines) and amount of a run per region × paying department × category
    (衢政办发〔2020〕20号 八: 按月上报发放人次和金额).

    Derived, never entered: the run service writes them from the run's lines in the same
    transaction (``services.write_run_totals``) and ``manage.py rebuild_run_totals`` rewrites
    them from the lines. The run page, the summary API and the rolls read these few rows
    instead of summing a year of lines on every request (issue 13 §1)."""

    run = models.ForeignKey(SubsidyRun, verbose_name="测算", on_delete=models.CASCADE,
                            related_name="totals", db_index=False)
    region = models.ForeignKey(Region, verbose_name="区划", on_delete=models.PROTECT,
                               related_name="+", db_index=False)
    department = models.CharField("发放部门", max_length=10, choices=Department.choices)
    category = models.CharField("类别", max_length=15, choices=Category.choices)
    persons = models.PositiveIntegerField("人次")
    amount = models.DecimalField("金额(元)", **MONEY)

    authority_scope = "city"

    class Meta:
        verbose_name = "测算汇总"
        verbose_name_plural = "测算汇总"
        constraints = [
            models.UniqueConstraint(fields=["run", "region", "department", "category"],
                                    name="subsidy_total_once"),
        ]

    def __str__(self) -> str:
        return f"{self.run} {self.region_id} {self.department} {self.category} {self.amount}"

    def locked_reason(self) -> str | None:
        return _run_locked_reason(self.run.status)


class UniversityLine(models.Model):
    """临时伙食补贴: students × university ratio × the urban 低保 amount (衢政办发〔2020〕20号 五)."""

    authority_lock_parent = "run"  # no line is added to or moved into a locked roll

    run = models.ForeignKey(SubsidyRun, verbose_name="测算", on_delete=models.CASCADE,
                            related_name="university_lines")
    university = models.ForeignKey(University, verbose_name="学校", on_delete=models.PROTECT,
                                   related_name="lines")
    school = models.CharField("学校名称", max_length=200)
    region = models.ForeignKey(Region, verbose_name="所在区划", on_delete=models.PROTECT,
                               related_name="+")
    students = models.PositiveIntegerField("在校学生数")
    per_student = models.DecimalField("每生金额(元)", **MONEY)
    amount = models.DecimalField("金额(元)", **MONEY)

    history = HistoricalRecords()

    authority_scope = "city"

    class Meta:
        verbose_name = "高校伙食补贴明细"
        verbose_name_plural = "高校伙食补贴明细"
        ordering = ["school"]
        constraints = [
            # A university is paid once per roll.
            models.UniqueConstraint(fields=["run", "university"], name="subsidy_university_once"),
        ]

    def __str__(self) -> str:
        return f"{self.run} {self.school}"

    def locked_reason(self) -> str | None:
        return _run_locked_reason(self.run.status)


class Job(CoreJob):
    """The background jobs (``apps.core.models.Job``) as the subsidies admin lists them: a
    proxy, so the list keeps its address and the ``subsidies.view_job`` grants (issue 14 §3)."""

    class Meta:
        proxy = True
        verbose_name = "后台任务进度"
        verbose_name_plural = "后台任务进度"


class RollFile(models.Model):
    """一份已生成的发放名单文件 (issue 13 §3): a county × department roll is built once and its
    bytes served again while the lines it was built from stand — an approved/paid run's lines
    are locked, a draft's change only by a recompute (``SubsidyRun.computed_at``), and the
    names, IDs, codes and labels it prints change only through ``RollFileEpoch``. The bytes are
    compressed and sealed with AES-GCM under a key derived from RESIDENT_ID_KEY
    (``apps.subsidies.rollfiles``): a full-ID file is never stored in clear. Shared by every
    web host (issue 13 §7): it lives in the database, not on a local disk."""

    run = models.ForeignKey(SubsidyRun, verbose_name="测算", on_delete=models.CASCADE,
                            related_name="roll_files")
    key = models.CharField("文件键", max_length=200, unique=True)
    rows = models.PositiveIntegerField("行数")
    data = models.BinaryField("加密内容")
    built_at = models.DateTimeField("生成时间", auto_now_add=True)

    derived_table = True  # written only by ``rollfiles``: no admin of its own

    class Meta:
        verbose_name = "发放名单文件"
        verbose_name_plural = "发放名单文件"

    def __str__(self) -> str:
        return f"{self.run} {self.key}"


class RollFileEpoch(models.Model):
    """名单文件版本: one row whose number goes up with every change to what a stored roll prints
    besides its lines (a beneficiary's name or ID, a region's code, a policy's payment label);
    the number is part of every ``RollFile`` key, so a change makes every stored file stale at
    once. An ``UPDATE`` of one row, in the writer's transaction: the new number is seen exactly
    when the change is."""

    value = models.PositiveBigIntegerField("版本号", default=0)
    changed_at = models.DateTimeField("变更时间", auto_now=True)
    reason = models.CharField("变更内容", max_length=100, blank=True)

    derived_table = True  # written only by ``rollfiles.bump``: no admin of its own

    class Meta:
        verbose_name = "名单文件版本"
        verbose_name_plural = "名单文件版本"

    def __str__(self) -> str:
        return f"{self.value} {self.reason}"
