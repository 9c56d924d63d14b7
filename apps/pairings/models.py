"""援疆帮扶结对 of 衢政办发〔2020〕17号 (issue 15 §5): the plan, its pairings (附件), their
targets and the activities the units report.

The plan carries the document's own figures (共N家, 2020—2022, 不少于10万元, 每年2次/1次,
每半年); pairings and targets are imported as printed (target names are entered by staff);
activities have effect on the report, so they are never edited or deleted — a mistake is
voided, or corrected by a new activity that replaces it (issue 9 §4).
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from apps.core.models import VoidRecord


class TargetKind(models.TextChoices):
    """附件 结对帮扶安排: 乌什县的乡镇/村, 一师四团的连队."""

    TOWNSHIP = "乡镇", "乡镇"
    VILLAGE = "村", "村"
    COMPANY = "连队", "连队"


TARGET_PLACE = {TargetKind.TOWNSHIP: "乌什县", TargetKind.VILLAGE: "乌什县", TargetKind.COMPANY: "一师四团"}


class ActivityKind(models.TextChoices):
    FUNDS = "资金", "资金"
    GOODS = "物资", "物资"
    STUDY = "专题研究", "专题研究"
    VISIT = "调研对接", "调研对接"
    REPORT = "书面报告", "书面报告"


AID_KINDS = (ActivityKind.FUNDS, ActivityKind.GOODS)  # 二: 受助不少于10万元资金或物资


class PairingPlan(models.Model):
    """The 实施意见 itself: its declared count and the figures its clauses print."""

    authority_scope = "city"

    number = models.CharField("文号", max_length=60, unique=True)
    title = models.CharField("标题", max_length=300)
    signed_on = models.DateField("成文日期")
    declared_count = models.PositiveSmallIntegerField("公布结对单位数", null=True, blank=True,
                                                      help_text="二:参与结对的单位共N家")
    term_from = models.DateField("结对期限起", help_text="二:帮扶结对期限为2020—2022年")
    term_to = models.DateField("结对期限止")
    aid_floor_per_target = models.DecimalField(
        "每个结对对象受助下限(元)", max_digits=14, decimal_places=2,
        help_text="二:确保每个结对乡(村、连队)受助不少于10万元资金或物资")
    yearly_studies = models.PositiveSmallIntegerField("每年专题研究次数", help_text="三(一):不少于2次")
    yearly_visits = models.PositiveSmallIntegerField("每年调研对接次数", help_text="三(一):不少于1次")
    reports_from = models.DateField("书面报告起始半年", help_text="三(三):每半年书面报送,自成文所在半年起")
    source_article = models.ForeignKey("gazette.Article", verbose_name="政报来源", null=True,
                                       blank=True, on_delete=models.SET_NULL, related_name="+")

    history = HistoricalRecords()

    class Meta:
        verbose_name = "援疆结对实施意见"
        verbose_name_plural = "援疆结对实施意见"
        ordering = ["-signed_on"]
        constraints = [
            models.CheckConstraint(condition=Q(term_to__gte=models.F("term_from")),
                                   name="pairings_plan_term_ordered"),
        ]

    def __str__(self) -> str:
        return self.number


class Pairing(models.Model):
    """One row of the 附件: 序号, 结对单位 as printed and its 结对帮扶安排."""

    authority_scope = "city"

    plan = models.ForeignKey(PairingPlan, verbose_name="实施意见", on_delete=models.PROTECT,
                             related_name="pairings")
    position = models.PositiveSmallIntegerField("序号")
    unit = models.CharField("结对单位", max_length=200, help_text="按附件原文")
    organisation = models.ForeignKey("core.Organisation", verbose_name="对应单位", null=True,
                                     blank=True, on_delete=models.SET_NULL,
                                     related_name="pairings", help_text="单位库中已有该单位时关联;导入不会新建单位")
    arrangement = models.CharField("结对帮扶安排(原文)", max_length=100, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "结对单位"
        verbose_name_plural = "结对单位"
        ordering = ["plan", "position"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "position"], name="pairings_position_once"),
            models.UniqueConstraint(fields=["plan", "unit"], name="pairings_unit_once"),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.unit}"


class PairingTarget(models.Model):
    """A 乡镇/村 of 乌什县 or a 连队 of 一师四团 paired with a unit; the 附件 prints only how
    many of each kind, so targets are numbered per kind and named by staff."""

    authority_scope = "city"

    pairing = models.ForeignKey(Pairing, verbose_name="结对单位", on_delete=models.PROTECT,
                                related_name="targets")
    kind = models.CharField("类别", max_length=4, choices=TargetKind.choices)
    ordinal = models.PositiveSmallIntegerField("同类序号")
    name = models.CharField("名称", max_length=100, blank=True, help_text="附件未列名称,由工作人员填写")

    history = HistoricalRecords()

    class Meta:
        verbose_name = "结对对象"
        verbose_name_plural = "结对对象"
        ordering = ["pairing", "kind", "ordinal"]
        constraints = [
            models.UniqueConstraint(fields=["pairing", "kind", "ordinal"], name="pairings_target_once"),
        ]

    def __str__(self) -> str:
        return f"{self.place}{self.name or f'{self.kind}{self.ordinal}(未填名称)'}"

    @property
    def place(self) -> str:
        return TARGET_PLACE.get(self.kind, "")


class PairingActivity(models.Model):
    """What a unit did, as reported to 市援疆指挥部: 资金/物资 (amount, 二), 专题研究 and
    调研对接 (三(一)), 书面报告 (三(三)). Never edited or deleted: voided or corrected."""

    authority_scope = "city"

    pairing = models.ForeignKey(Pairing, verbose_name="结对单位", on_delete=models.PROTECT,
                                related_name="activities")
    kind = models.CharField("类型", max_length=8, choices=ActivityKind.choices)
    on = models.DateField("日期")
    amount = models.DecimalField("金额(元)", max_digits=14, decimal_places=2, null=True, blank=True,
                                 help_text="资金、物资填写折合金额;其他类型不填")
    note = models.CharField("说明", max_length=500, blank=True)
    source = models.CharField("来源", max_length=200, blank=True, help_text="导入的文件名或“后台录入”")
    recorded_by = models.CharField("录入人", max_length=150, blank=True)
    recorded_at = models.DateTimeField("录入时间", auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "帮扶活动"
        verbose_name_plural = "帮扶活动"
        ordering = ["-on", "-pk"]
        indexes = [models.Index(fields=["pairing", "on"], name="pairings_activity_on")]
        constraints = [
            # 二: aid is money or goods valued in yuan; the other kinds carry no amount.
            models.CheckConstraint(
                condition=(Q(kind__in=[k.value for k in AID_KINDS], amount__gt=Decimal(0))
                           | (~Q(kind__in=[k.value for k in AID_KINDS]) & Q(amount__isnull=True))),
                name="pairings_activity_amount_for_aid_only",
                violation_error_message="资金、物资须填写大于0的金额,其他类型不填金额"),
        ]

    def __str__(self) -> str:
        amount = f" {self.amount}元" if self.amount is not None else ""
        return f"{self.pairing.unit} {self.on} {self.kind}{amount}"

    def locked_reason(self) -> str | None:
        return "是已登记的帮扶活动(计入督查统计)" if self.pk else None


class PairingActivityVoid(VoidRecord):
    """An activity declared wrong (作废) or replaced by a corrected one (更正), with the
    reason, who and when; the report leaves the voided one out."""

    activity = models.OneToOneField(PairingActivity, verbose_name="被作废的帮扶活动",
                                    related_name="void", on_delete=models.PROTECT)
    replacement = models.OneToOneField(PairingActivity, verbose_name="更正后的帮扶活动", null=True,
                                       blank=True, related_name="corrects", on_delete=models.PROTECT)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "帮扶活动作废记录"
        verbose_name_plural = "帮扶活动作废记录"
        ordering = ["-voided_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="pairings_void_reason_given",
                                   violation_error_message="请填写作废/更正原因"),
        ]

    def __str__(self) -> str:
        return f"作废:{self.activity}({self.reason})"
