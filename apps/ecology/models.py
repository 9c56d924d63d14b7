"""Ecology enforcement: the 禁用区 of high-emission non-road machinery (衢政通〔2020〕1号) and
the list of minor violations not penalised (衢环发〔2020〕73号), issue 15 §2–§3.

The zone and the list are city-wide, kept by city 生态环境 staff; machines belong to the
county (区划) where they are registered, so county staff register their own (issue 9 §1).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from apps.core.models import PrintedStandard, Region


class RestrictedZone(PrintedStandard, models.Model):
    """高排放非道路移动机械禁止使用区 (一): the boundary roads in printed order, per section;
    the boundary roads themselves are not in the zone (不含边界道路)."""

    authority_scope = "city"

    number = models.CharField("文号", max_length=60, unique=True)
    title = models.CharField("标题", max_length=300)
    signed_on = models.DateField("成文日期")
    effective_from = models.DateField("施行日期")
    sections = models.JSONField("边界道路(按原文顺序,分段)", default=list)
    roads_excluded = models.BooleanField("不含边界道路", default=True)
    categories = models.JSONField("机械类别(二)", default=list)
    source_article = models.ForeignKey("gazette.Article", verbose_name="政报来源", null=True,
                                       blank=True, on_delete=models.SET_NULL, related_name="+")

    history = HistoricalRecords()

    class Meta:
        verbose_name = "高排放非道路移动机械禁用区"
        verbose_name_plural = "高排放非道路移动机械禁用区"
        ordering = ["-effective_from"]

    def __str__(self) -> str:
        return f"{self.number} 禁用区(自{self.effective_from}施行)"

    @property
    def roads(self) -> list[str]:
        return [road for section in self.sections for road in section]


class Machine(models.Model):
    """A registered non-road mobile machine (三(二): 申报登记 and 识别标志)."""

    authority_scope = "region"

    class Category(models.TextChoices):
        """二: the six kinds the notice names (主要包括但不限于…)."""

        CONSTRUCTION = "construction", "工程机械"
        AGRICULTURE = "agriculture", "农业机械"
        FORESTRY = "forestry", "林业机械"
        HANDLING = "handling", "材料装卸机械"
        DRILLING = "drilling", "工业钻井机械设备"
        AIRPORT = "airport", "机场地勤设备"

    class Fuel(models.TextChoices):
        DIESEL = "diesel", "柴油"
        ELECTRIC = "electric", "电动"
        OTHER = "other", "其他"

    class Smoke(models.TextChoices):
        """GB36886-2018 排气烟度类别; only Ⅲ类 may work in the zone (三(一))."""

        III = "III", "Ⅲ类"
        II = "II", "Ⅱ类"
        I = "I", "Ⅰ类"  # noqa: E741 - the standard's own name
        EXCEEDS = "exceeds", "超标"
        UNTESTED = "untested", "未检测"

    owner = models.CharField("所有者", max_length=200)
    region = models.ForeignKey(Region, verbose_name="区划", on_delete=models.PROTECT,
                               related_name="machines")
    category = models.CharField("类别", max_length=20, choices=Category.choices)
    model_name = models.CharField("机型", max_length=100)
    serial_number = models.CharField("出厂编号", max_length=100, unique=True)
    fuel = models.CharField("燃料", max_length=10, choices=Fuel.choices)
    smoke_class = models.CharField("排气烟度类别", max_length=10, choices=Smoke.choices,
                                   default=Smoke.UNTESTED)
    sign_number = models.CharField("识别标志编号", max_length=100, null=True, blank=True, unique=True)
    site = models.CharField("使用场所", max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "非道路移动机械"
        verbose_name_plural = "非道路移动机械"
        ordering = ["region", "serial_number"]
        constraints = [
            # 识别标志编号 is optional but never an empty string (unique among those issued).
            models.CheckConstraint(condition=~Q(sign_number=""), name="machine_sign_not_blank"),
        ]

    def __str__(self) -> str:
        return f"{self.model_name}({self.serial_number})"


class NoPenaltyList(PrintedStandard, models.Model):
    """《不予行政处罚目录清单(试行)》: in force from its 六; 注1 periods are natural days; 注2 the
    list does not cover 核与辐射; 二 only a first minor violation within 12 months."""

    authority_scope = "city"

    number = models.CharField("文号", max_length=60, unique=True)
    title = models.CharField("标题", max_length=300)
    signed_on = models.DateField("成文日期")
    effective_from = models.DateField("施行日期")
    trial = models.BooleanField("试行", default=True)
    natural_days = models.BooleanField("期间为自然日(注1)", default=True)
    excludes_nuclear = models.BooleanField("不含核与辐射行业(注2)", default=True)
    first_in_12_months = models.BooleanField("仅限12个月内首次(二)", default=True)
    notes = models.JSONField("注", default=list, blank=True)
    source_article = models.ForeignKey("gazette.Article", verbose_name="政报来源", null=True,
                                       blank=True, on_delete=models.SET_NULL, related_name="+")

    history = HistoricalRecords()

    class Meta:
        verbose_name = "不予行政处罚清单"
        verbose_name_plural = "不予行政处罚清单"
        ordering = ["-effective_from"]

    def __str__(self) -> str:
        return f"{self.number}(自{self.effective_from}施行)"


class NoPenaltyItem(PrintedStandard, models.Model):
    """One line of 附件1 as printed, with its citation split into law/条/款/项."""

    authority_scope = "city"

    listing = models.ForeignKey(NoPenaltyList, verbose_name="清单", on_delete=models.CASCADE,
                             related_name="items")
    position = models.PositiveSmallIntegerField("序号")
    category = models.CharField("类别", max_length=50)
    category_inherited = models.BooleanField("类别沿用上一行", default=False)
    behaviour = models.TextField("违法行为")
    basis = models.CharField("法律条款(原文)", max_length=200)
    law = models.CharField("法律", max_length=100, blank=True, help_text="不含《》和“中华人民共和国”")
    article = models.PositiveSmallIntegerField("条", null=True, blank=True)
    paragraph = models.PositiveSmallIntegerField("款", null=True, blank=True)
    item = models.PositiveSmallIntegerField("项", null=True, blank=True)
    conditions_text = models.TextField("依法不予行政处罚情形(原文)")
    requirement = models.TextField("共同条件", blank=True)
    conditions = models.JSONField("情形(逐条)", default=list)
    correction_days = models.PositiveSmallIntegerField("改正期限(日)", null=True, blank=True)
    fine_below = models.DecimalField("拟罚款金额少于(元)", max_digits=12, decimal_places=2,
                                     null=True, blank=True)
    excludes_natural_person = models.BooleanField("对象不包括自然人", default=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "不予行政处罚事项"
        verbose_name_plural = "不予行政处罚事项"
        ordering = ["listing", "position"]
        constraints = [
            models.UniqueConstraint(fields=["listing", "position"], name="no_penalty_item_once"),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.behaviour[:30]}"
