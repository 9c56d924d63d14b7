"""全球免费游衢州 (衢政办发〔2020〕18号, issue 15 §6): the year's programme, its spots, the
days a spot was closed and the settlement inputs of each core spot.

The programme and the spots come from the gazette; a spot's county is not printed and is
set by 文旅 staff, after which county staff keep their own spots' closures and
settlements. Settlement inputs have financial effect (三(三) 多退少补): never edited or
deleted, a correction is a new row that supersedes the earlier one.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from apps.core.models import Region, VoidRecord


class FreeTourYear(models.Model):
    """The year's 活动方案: 二(二)1 free days, 三 补助办法 (1/3 city reward, settle by May)."""

    authority_scope = "city"

    document = models.CharField("文号", max_length=60)
    year = models.PositiveSmallIntegerField("年度", unique=True)
    signed_on = models.DateField("成文日期")
    starts_on = models.DateField("免费期起", help_text="二(二)1:“2020年”全年")
    ends_on = models.DateField("免费期止")
    weekend_extension_from = models.DateField(
        "双休日纳入免费起始日", null=True, blank=True,
        help_text="二(二)1:普通双休日纳入免费范围的“具体开始时间另行确定”;未确定前为空")
    weekend_extension_basis = models.CharField("起始日依据", max_length=300, blank=True)
    declared_core_count = models.PositiveSmallIntegerField("公布核心收费景区数", null=True, blank=True)
    declared_other_count = models.CharField("公布其他景区数(原文)", max_length=30, blank=True,
                                            help_text="如“100余个”")
    city_reward_divisor = models.PositiveSmallIntegerField(
        "市级奖励(县补助额的几分之一)", default=3, help_text="三(一):按县(市、区)政府补助额的1/3给予奖励")
    settle_by = models.DateField("结算截止日", help_text="三(三):应于2021年5月底前完成")
    source_article = models.ForeignKey("gazette.Article", verbose_name="政报来源", null=True,
                                       blank=True, on_delete=models.SET_NULL, related_name="+")

    history = HistoricalRecords()

    class Meta:
        verbose_name = "免费游年度方案"
        verbose_name_plural = "免费游年度方案"
        ordering = ["-year"]
        constraints = [
            # 二(二)1: the programme runs within its year; the weekend extension inside it.
            models.CheckConstraint(condition=Q(starts_on__lte=models.F("ends_on")),
                                   name="free_tour_year_starts_before_end"),
            models.CheckConstraint(condition=Q(weekend_extension_from__isnull=True)
                                   | Q(weekend_extension_from__gte=models.F("starts_on"),
                                       weekend_extension_from__lte=models.F("ends_on")),
                                   name="free_tour_extension_within_year"),
            models.CheckConstraint(condition=Q(city_reward_divisor__gte=1), name="free_tour_divisor_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.year}年全球免费游({self.document})"


class ScenicSpot(models.Model):
    """A participating spot (二(一)): the 15 核心收费景区 (subsidised, 三) or one of the others
    the text names; printed exclusions (“不含‘郎峰’”) are kept. County by 文旅 staff."""

    authority_scope = "region"

    programme = models.ForeignKey(FreeTourYear, verbose_name="年度方案", on_delete=models.PROTECT,
                                  related_name="spots")
    name = models.CharField("景区", max_length=100)
    printed = models.CharField("原文", max_length=200, blank=True)
    core = models.BooleanField("核心收费景区", default=False, help_text="二(一):15个核心收费景区,三 予以补助")
    position = models.PositiveSmallIntegerField("原文顺序")
    exclusions = models.JSONField("不含(原文)", default=list, blank=True)
    region = models.ForeignKey(Region, verbose_name="所在县(市、区)", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="scenic_spots",
                               help_text="原文未载,由文旅部门录入")

    history = HistoricalRecords()

    class Meta:
        verbose_name = "免费游景区"
        verbose_name_plural = "免费游景区"
        ordering = ["programme", "-core", "position"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "name"], name="scenic_spot_once_per_year"),
        ]

    def __str__(self) -> str:
        return self.name


class SpotClosure(models.Model):
    """二(二)1: “受新冠肺炎疫情影响景区关闭时间” — no free day while closed (both ends included)."""

    authority_scope = "region"
    authority_region_path = "spot__region"

    spot = models.ForeignKey(ScenicSpot, verbose_name="景区", on_delete=models.PROTECT,
                             related_name="closures")
    starts_on = models.DateField("关闭起")
    ends_on = models.DateField("关闭止")
    note = models.CharField("说明", max_length=300, blank=True)
    recorded_by = models.CharField("录入人", max_length=150, blank=True)
    recorded_at = models.DateTimeField("录入时间", auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "景区关闭时段"
        verbose_name_plural = "景区关闭时段"
        ordering = ["spot", "starts_on"]
        constraints = [
            models.CheckConstraint(condition=Q(starts_on__lte=models.F("ends_on")),
                                   name="spot_closure_starts_before_end"),
        ]

    def __str__(self) -> str:
        return f"{self.spot} {self.starts_on}至{self.ends_on}"

    def locked_reason(self) -> str | None:
        # It decides free days, hence the settlement (三(三)): voided or corrected, never edited.
        return "是已登记的景区关闭时段(决定实际免费天数与补助结算)" if self.pk else None


class SpotClosureVoid(VoidRecord):
    """A closure declared wrong (作废) or replaced by a corrected one (更正), with the reason,
    who and when; free days leave the voided closure out from then on."""

    authority_scope = "region"
    authority_region_path = "closure__spot__region"

    closure = models.OneToOneField(SpotClosure, verbose_name="被作废的关闭时段", related_name="void",
                                   on_delete=models.PROTECT)
    replacement = models.OneToOneField(SpotClosure, verbose_name="更正后的关闭时段", null=True,
                                       blank=True, related_name="corrects", on_delete=models.PROTECT)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "景区关闭时段作废记录"
        verbose_name_plural = "景区关闭时段作废记录"
        ordering = ["-voided_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="tourism_closure_void_reason_given",
                                   violation_error_message="请填写作废/更正原因"),
        ]

    def __str__(self) -> str:
        return f"作废:{self.closure}({self.reason})"


class SpotSettlement(models.Model):
    """三(一)(三) settlement inputs of a core spot for a year, as one statement: 2019年补助额
    (the advance base), 日均门票收入 (audited), 奖补比例 (四(二) assessment, 0–1), 游客人数.
    Blank = not known yet. The latest row of a spot and year is the one in effect; a
    correction is a new row (``supersedes``), never an edit."""

    authority_scope = "region"
    authority_region_path = "spot__region"

    spot = models.ForeignKey(ScenicSpot, verbose_name="景区", on_delete=models.PROTECT,
                             related_name="settlements")
    year = models.PositiveSmallIntegerField("年度")
    base_2019 = models.DecimalField("2019年补助额(元)", max_digits=14, decimal_places=2,
                                    null=True, blank=True)
    daily_ticket_income = models.DecimalField("日均门票收入(元)", max_digits=14, decimal_places=2,
                                              null=True, blank=True)
    reward_ratio = models.DecimalField("奖补比例", max_digits=5, decimal_places=4, null=True, blank=True)
    visitors = models.PositiveIntegerField("游客人数", null=True, blank=True)
    supersedes = models.OneToOneField("self", verbose_name="更正的记录", null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="superseded_by")
    source = models.CharField("来源", max_length=200, blank=True)
    recorded_by = models.CharField("录入人", max_length=150, blank=True)
    recorded_at = models.DateTimeField("录入时间", auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "景区补助结算依据"
        verbose_name_plural = "景区补助结算依据"
        ordering = ["spot", "year", "-pk"]
        constraints = [
            # 四(二): 奖补比例 is a share of the computed amount, 0 ≤ ratio ≤ 1.
            models.CheckConstraint(condition=Q(reward_ratio__isnull=True)
                                   | Q(reward_ratio__gte=0, reward_ratio__lte=1),
                                   name="spot_settlement_ratio_0_1"),
            models.CheckConstraint(condition=Q(base_2019__isnull=True) | Q(base_2019__gte=0),
                                   name="spot_settlement_base_not_negative"),
            models.CheckConstraint(condition=Q(daily_ticket_income__isnull=True)
                                   | Q(daily_ticket_income__gte=0),
                                   name="spot_settlement_daily_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.spot} {self.year}年结算依据"

    def locked_reason(self) -> str | None:
        return "是补助结算依据(多退少补)" if self.pk else None


class SettlementStatement(models.Model):
    """结算单: a core spot's settlement for a year as computed on ``computed_on`` (三(一)(三),
    多退少补 by 2021-05-31), stored with its inputs. A financial record: never edited or
    deleted; a later closure, input or holiday schedule changes it only through a new
    statement that supersedes it (both kept, the newest in force)."""

    authority_scope = "region"
    authority_region_path = "spot__region"

    class Direction(models.TextChoices):
        TOP_UP = "补", "补(县财政补足)"
        REFUND = "退", "退(景区退回)"
        NONE = "无", "无(无需多退少补)"

    spot = models.ForeignKey(ScenicSpot, verbose_name="景区", on_delete=models.PROTECT,
                             related_name="statements")
    year = models.PositiveSmallIntegerField("年度")
    inputs = models.ForeignKey(SpotSettlement, verbose_name="结算依据", on_delete=models.PROTECT,
                               related_name="statements")
    free_days = models.PositiveSmallIntegerField("实际免费天数")
    final = models.DecimalField("应补助额(元)", max_digits=14, decimal_places=2,
                                help_text="三(三):日均门票收入×实际免费天数×奖补比例")
    advance = models.DecimalField("预拨额(元)", max_digits=14, decimal_places=2,
                                  help_text="三(一):以2019年度补助额为基数预拨")
    city_reward = models.DecimalField("市级奖励(元)", max_digits=14, decimal_places=2,
                                      help_text="三(一):县补助额的1/3")
    difference = models.DecimalField("多退少补(元)", max_digits=14, decimal_places=2)
    direction = models.CharField("方向", max_length=1, choices=Direction.choices)
    settle_by = models.DateField("结算截止日")
    provisional = models.BooleanField(
        "暂定", default=False,
        help_text="计入的免费日中有日期所在年度尚无正式放假安排(按法定节假日推算)")
    computed_on = models.DateField("结算日期")
    computed_at = models.DateTimeField("生成时间", auto_now_add=True)
    supersedes = models.OneToOneField("self", verbose_name="更正的结算单", null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="superseded_by")
    note = models.CharField("说明", max_length=300, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="结算人", null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    actor_name = models.CharField("结算人名称", max_length=150, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "补助结算单"
        verbose_name_plural = "补助结算单"
        ordering = ["spot", "year", "-pk"]
        constraints = [
            # 三(三) 多退少补: the sign of final − advance is the direction.
            models.CheckConstraint(condition=Q(direction="补", difference__gt=0)
                                   | Q(direction="退", difference__lt=0)
                                   | Q(direction="无", difference=0),
                                   name="settlement_statement_direction"),
        ]

    def __str__(self) -> str:
        return f"{self.spot} {self.year}年结算单({self.computed_on})"

    def locked_reason(self) -> str | None:
        return "是已出具的补助结算单(多退少补)" if self.pk else None
