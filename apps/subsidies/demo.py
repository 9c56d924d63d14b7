"""Demo data: standards, 2020 indices, ~200 beneficiaries in the six regions, universities, and
the computed 2020 runs (June approved). Index values other than June's issue example
(2020-06: SCPI 3.6 %, CPI food 11.1 %) are illustrative, not official statistics."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction

from apps.core import resident_id
from apps.core.models import Organisation, Region
from apps.core.services import organisation_resolve

from . import services
from .models import (
    PAYING_DEPARTMENT,
    Beneficiary,
    Category,
    Enrolment,
    LocalStandard,
    MonthlyIndex,
    Residence,
    SubsidyRun,
    University,
)

D = Decimal
REGION_CODES = ["330802", "330803", "330822", "330824", "330825", "330881"]
# (urban 低保, rural 低保, unemployment benefit) yuan/month from 2020-01 (illustrative).
STANDARDS = {"330802": ("775", "775", "1620"), "330803": ("775", "775", "1620"),
             "330822": ("760", "760", "1560"), "330824": ("760", "700", "1560"),
             "330825": ("760", "760", "1560"), "330881": ("775", "720", "1620")}
INDICES = {2: ("4.9", "20.2"), 3: ("4.0", "17.1"), 4: ("3.3", "14.2"), 5: ("2.4", "10.0"),
           6: ("3.6", "11.1"), 7: ("2.6", "12.6"), 8: ("2.0", "10.3"), 9: ("1.5", "7.3"),
           10: ("0.4", "2.2"), 11: ("-0.6", "-2.0"), 12: ("0.2", "1.2")}
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "建国秀英桂英玉兰志强春花明华丽娟海燕红梅永红伟东国华金凤晓东美玲德明淑珍小红"
WEIGHTS = [(Category.DIBAO, 45), (Category.EDGE, 15), (Category.TEKUN, 10),
           (Category.SANLAO, 6), (Category.ORPHAN, 4), (Category.YOUFU, 8),
           (Category.UNEMPLOYMENT, 12)]


@transaction.atomic
def load(stdout) -> str:
    rng = random.Random(2020)
    regions = {r.code: r for r in Region.objects.filter(code__in=REGION_CODES)}
    for code, (urban, rural, unemployment) in STANDARDS.items():
        LocalStandard.objects.get_or_create(
            region=regions[code], from_month=dt.date(2020, 1, 1),
            defaults={"urban_dibao": D(urban), "rural_dibao": D(rural), "unemployment": D(unemployment)})
    # 柯城区 raises its 低保 standard from July (a standard changing mid-year).
    LocalStandard.objects.get_or_create(
        region=regions["330802"], from_month=dt.date(2020, 7, 1),
        defaults={"urban_dibao": D("810"), "rural_dibao": D("810"), "unemployment": D("1680")})
    for month, (scpi, food) in INDICES.items():
        MonthlyIndex.objects.get_or_create(month=dt.date(2020, month, 1),
                                           defaults={"scpi": D(scpi), "cpi_food": D(food)})
    for name, students in (("衢州学院", 13500), ("衢州职业技术学院", 11200)):
        University.objects.get_or_create(
            organisation=organisation_resolve(name, kind=Organisation.Kind.SCHOOL),
            defaults={"region": regions["330802"], "students": students})

    created = 0
    for n in range(200):
        code = REGION_CODES[n % 6]
        number = resident_id.compose(code, dt.date(1940, 1, 1) + dt.timedelta(days=97 * n), n)
        if Beneficiary.objects.filter(resident_id_digest=resident_id.digest(number)).exists():
            rng.random()
            continue
        residence = Residence.URBAN if rng.random() < 0.45 else Residence.RURAL
        person = Beneficiary.objects.create(
            name=rng.choice(SURNAMES) + rng.choice(GIVEN[::2]) + rng.choice(GIVEN[1::2]),
            resident_id=number, region=regions[code], residence=residence)
        categories = {rng.choices([c for c, _ in WEIGHTS], [w for _, w in WEIGHTS])[0]}
        if rng.random() < 0.1:
            categories.add(Category.UNEMPLOYMENT)
        start = dt.date(2020, 1 if rng.random() < 0.85 else rng.randint(2, 10), 1)
        for category in categories:
            Enrolment.objects.create(beneficiary=person, category=category, from_month=start,
                                     department=PAYING_DEPARTMENT[category])
        created += 1

    computed = 0
    for month in INDICES:
        if not SubsidyRun.objects.filter(month=dt.date(2020, month, 1)).exists():
            services.run_compute(month=dt.date(2020, month, 1))
            computed += 1
    june = SubsidyRun.objects.get(month=dt.date(2020, 6, 1), sequence=0)
    users = get_user_model().objects
    preparer, approver = users.filter(username="minzheng").first(), users.filter(username="fagaiwei").first()
    if june.status == "draft" and preparer and approver:
        services.run_submit(run=june, by=preparer)
        june = services.run_approve(run=june, by=approver)
    return (f"补贴对象新增{created}人,计算{computed}个月;2020-06:补贴涨幅{june.rate}%,"
            f"{june.persons}人,{june.amount:.2f}元,状态{june.get_status_display()}")
