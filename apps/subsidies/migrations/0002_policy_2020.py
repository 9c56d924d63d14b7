"""Load the 2020 policy version: 衢政办发〔2020〕20号, policies applied from 2020-02-13."""

import datetime as dt
from decimal import Decimal

from django.db import migrations


def load(apps, schema_editor):
    PolicyVersion = apps.get_model("subsidies", "PolicyVersion")
    PolicyVersion.objects.get_or_create(
        effective_from=dt.date(2020, 2, 13),
        defaults={
            "document": "衢政办发〔2020〕20号",
            "scpi_threshold": Decimal("3.00"),   # 三(一) SCPI单月同比涨幅达到3%
            "food_threshold": Decimal("6.00"),   # 三(二) CPI食品单月同比涨幅达到6%
            "minimum_rate": Decimal("3.00"),     # 四 涨幅低于3%的,按照3%计算
            "multiplier": Decimal("2.00"),       # 四 SCPI涨幅的2倍乘以低保标准
            "floor": Decimal("18.00"),           # 四 不低于每人每月18元
            "edge_ratio": Decimal("0.500"),      # 四 低保边缘按不低于低保补贴的50%
            "university_ratio": Decimal("0.500"),  # 五 城镇低保对象价格补贴的50%
            "rounding_unit": Decimal("0.01"),
            "payment_label": "价格临时补贴",      # 六 注明所发补贴为“价格临时补贴”
        },
    )


def unload(apps, schema_editor):
    apps.get_model("subsidies", "PolicyVersion").objects.filter(
        effective_from=dt.date(2020, 2, 13)).delete()


class Migration(migrations.Migration):
    dependencies = [("subsidies", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
