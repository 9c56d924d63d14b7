"""Demo data: three institutions and doctors with deductions in every band (art. 21)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from apps.core import resident_id
from apps.core.models import Organisation, Region
from apps.core.services import organisation_resolve

from . import services
from .models import Appeal, Doctor, Institution, PointDeduction, Qualification, ViolationItem

INSTITUTIONS = [("H330802001", "衢州市人民医院", "330802"), ("H330881001", "江山市人民医院", "330881"),
                ("H330825001", "龙游县人民医院", "330825")]

# (name, sequence, qualification, institution codes, [(item code, month, day)], band)
DOCTORS = [
    ("周清", 1, Qualification.PHYSICIAN, ["H330802001"], [], "0分"),
    ("吴明", 2, Qualification.PHYSICIAN, ["H330802001"], [("19.4", 1, 6), ("20.1", 1, 13)], "3分"),
    ("郑华", 3, Qualification.ASSISTANT, ["H330881001"], [("18.1", 1, 8)], "6分 约谈"),
    ("王芳", 4, Qualification.PHYSICIAN, ["H330802001", "H330881001"],
     [("18.3", 1, 7), ("19.6", 2, 3), ("20.5", 2, 10)], "9分 跨区多点执业 暂停1个月"),
    ("冯磊", 5, Qualification.PHYSICIAN, ["H330825001"],
     [("18.2", 1, 9), ("19.1", 2, 4), ("19.5", 2, 11)], "10分 暂停2个月"),
    ("陈静", 6, Qualification.VILLAGE, ["H330825001"],
     [("19.1", 1, 6), ("19.2", 1, 14), ("20.2", 1, 20), ("18.5", 2, 12)], "11分 暂停3个月"),
    ("褚强", 7, Qualification.PHYSICIAN, ["H330881001"],
     [("18.1", 1, 10), ("19.3", 1, 17), ("19.8", 2, 5), ("20.3", 2, 6), ("20.7", 3, 2)],
     "12分 解除协议并一年内不得签约"),
    ("卫东", 8, Qualification.PHYSICIAN, ["H330802001"], [("17.2", 3, 3)], "一次性扣12分 解除"),
]


@transaction.atomic
def load(stdout=None) -> str:
    year = timezone.localdate().year
    regions = {r.code: r for r in Region.objects.exclude(code=None)}
    institutions = {}
    for code, name, region_code in INSTITUTIONS:
        org = organisation_resolve(name, kind=Organisation.Kind.HOSPITAL)
        institutions[code], _ = Institution.objects.get_or_create(
            code=code, defaults={"name": org.name, "organisation": org, "region": regions[region_code],
                                 "agreement_start": dt.date(year, 1, 1),
                                 "agreement_end": dt.date(year, 12, 31)})
    created = 0
    for name, seq, qualification, sites, deductions, _band in DOCTORS:
        number = resident_id.compose("330802", dt.date(1970 + seq, seq, 10 + seq), 100 + seq)
        doctor = Doctor.objects.filter(resident_id_digest=resident_id.digest(number)).first()
        if doctor is None:
            doctor = Doctor.objects.create(name=name, resident_id=number, qualification=qualification,
                                           certificate_number=f"DEMO3308{seq:06d}",
                                           phone=f"1390570{seq:04d}")
            created += 1
        for code in sites:
            services.agreement_create(doctor=doctor, institution=institutions[code],
                                      start=dt.date(year, 1, 1), end=dt.date(year, 12, 31),
                                      accepted_at=timezone.now())
        for i, (item_code, month, day) in enumerate(deductions):
            notice = dt.date(year, month, day)
            item = ViolationItem.objects.get(code=item_code)
            site = institutions[sites[i % len(sites)]]
            if PointDeduction.objects.filter(doctor=doctor, item=item, institution=site).exists():
                continue
            services.deduction_record(doctor=doctor, institution=site, item=item,
                                      violation_date=notice - dt.timedelta(days=3), notice_date=notice,
                                      channel="sms")
    # A pending appeal (art. 27) on 吴明's first deduction.
    first = PointDeduction.objects.filter(doctor__certificate_number="DEMO3308000002").order_by("id").first()
    if first is not None and not Appeal.objects.filter(deduction=first).exists():
        services.appeal_file(deduction=first, filed_on=first.notice_date + dt.timedelta(days=2))
    return (f"{len(INSTITUTIONS)}家定点医疗机构,{len(DOCTORS)}名医保医师(新增{created}),"
            f"扣分档次:" + "、".join(d[5] for d in DOCTORS))
