"""Land acquisition compensation of the city districts (衢政发〔2020〕16号, DOMAIN §6).

A policy version carries the zones (附件1), the 区片综合地价 per zone and land class (附件3)
and the 集体经济发展资金 per zone (五). All are city-wide: kept by city 资源规划 staff, read
by the districts (issue 9 §1); every change stays in the history.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from simple_history.models import HistoricalRecords

from apps.core.models import PrintedStandard


class LandClass(models.TextChoices):
    """附件3's two columns: A = 耕地、园地、养殖水面、除林地外的其他农用地、建设用地; B = 林地、未利用地."""

    A = "A", "耕地、园地、养殖水面、其他农用地、建设用地"
    B = "B", "林地、未利用地"


class LandPolicyVersion(PrintedStandard, models.Model):
    """征地补偿标准: one document's standards, in force from its own 施行 clause."""

    authority_scope = "city"

    number = models.CharField("文号", max_length=60, unique=True)
    title = models.CharField("标题", max_length=300)
    signed_on = models.DateField("成文日期")
    effective_from = models.DateField("施行日期", help_text="本通知自发布之日起实施")
    land_compensation_share = models.DecimalField(
        "土地补偿费比例", max_digits=4, decimal_places=2, default=Decimal("0.40"),
        help_text="三:土地补偿费和安置补助费分别占征地区片综合地价的40%和60%")
    declared_zone_count = models.PositiveSmallIntegerField("公布区片数", null=True, blank=True)
    regions = models.JSONField("适用区域", default=list, blank=True,
                               help_text="一:柯城区、衢江区行政区域(含功能区)")
    source_article = models.ForeignKey("gazette.Article", verbose_name="政报来源", null=True,
                                       blank=True, on_delete=models.SET_NULL, related_name="+")

    history = HistoricalRecords()

    class Meta:
        verbose_name = "征地补偿标准"
        verbose_name_plural = "征地补偿标准"
        ordering = ["-effective_from"]
        constraints = [
            # 三: the land share is a fraction of the zone price.
            models.CheckConstraint(condition=models.Q(land_compensation_share__gt=0,
                                                      land_compensation_share__lt=1),
                                   name="land_share_between_0_and_1"),
        ]

    def __str__(self) -> str:
        return f"{self.number}(自{self.effective_from}施行)"


class LandZone(PrintedStandard, models.Model):
    """征地区片 (附件1): number 1–3 with its 四至 as printed."""

    authority_scope = "city"

    policy = models.ForeignKey(LandPolicyVersion, verbose_name="补偿标准", on_delete=models.CASCADE,
                               related_name="zones")
    number = models.PositiveSmallIntegerField("区片")
    description = models.CharField("范围说明", max_length=200, blank=True,
                                   help_text="如“除区片一范围外”")
    east = models.CharField("东", max_length=200, blank=True)
    south = models.CharField("南", max_length=200, blank=True)
    west = models.CharField("西", max_length=200, blank=True)
    north = models.CharField("北", max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "征地区片"
        verbose_name_plural = "征地区片"
        ordering = ["policy", "number"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "number"], name="land_zone_once_per_policy"),
            models.CheckConstraint(condition=models.Q(number__gte=1), name="land_zone_number_positive"),
        ]

    def __str__(self) -> str:
        return f"区片{ZONE_NAMES.get(self.number, self.number)}"


ZONE_NAMES = {1: "一", 2: "二", 3: "三", 4: "四", 5: "五", 6: "六"}


class LandPrice(PrintedStandard, models.Model):
    """区片综合地价 (附件3): yuan per mu for one zone and land class."""

    authority_scope = "city"

    zone = models.ForeignKey(LandZone, verbose_name="区片", on_delete=models.CASCADE,
                             related_name="prices")
    land_class = models.CharField("地类", max_length=1, choices=LandClass.choices)
    price_per_mu = models.DecimalField("综合地价(元/亩)", max_digits=12, decimal_places=2)
    printed = models.CharField("原文(万元/亩)", max_length=20, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "区片综合地价"
        verbose_name_plural = "区片综合地价"
        ordering = ["zone", "land_class"]
        constraints = [
            models.UniqueConstraint(fields=["zone", "land_class"], name="land_price_once_per_class"),
            models.CheckConstraint(condition=models.Q(price_per_mu__gt=0), name="land_price_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.zone} {self.get_land_class_display()} {self.price_per_mu}元/亩"


class CollectiveFundRate(PrintedStandard, models.Model):
    """集体经济发展资金 (五): yuan per mu of 耕地 (含园地) actually acquired, by zone."""

    authority_scope = "city"

    zone = models.OneToOneField(LandZone, verbose_name="区片", on_delete=models.CASCADE,
                                related_name="fund_rate")
    rate_per_mu = models.DecimalField("标准(元/亩)", max_digits=12, decimal_places=2)
    printed = models.CharField("原文(万元/亩)", max_length=20, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "集体经济发展资金标准"
        verbose_name_plural = "集体经济发展资金标准"
        ordering = ["zone"]
        constraints = [
            models.CheckConstraint(condition=models.Q(rate_per_mu__gt=0), name="land_fund_rate_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.zone} {self.rate_per_mu}元/亩"
