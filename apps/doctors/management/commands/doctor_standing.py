"""python manage.py doctor_standing <resident ID or certificate number> --date YYYY-MM-DD"""

import datetime as dt
import json

from django.core.management.base import CommandError
from django.utils import timezone

from apps.core.authority import actor_region
from apps.core.commands import ActorCommand
from apps.doctors.models import doctor_in_scope
from apps.doctors.selectors import doctor_find, doctor_standing


class Command(ActorCommand):
    help = "输出医保医师在某日的积分和协议状态(JSON,与 /api/doctors/standing 相同)"

    def add_arguments(self, parser):
        parser.add_argument("doctor", help="公民身份号码或执业证书编码")
        parser.add_argument("--date", help="YYYY-MM-DD(默认今天)")

    def handle(self, *args, doctor, date=None, **options):
        try:
            day = dt.date.fromisoformat(date) if date else timezone.localdate()
        except ValueError:
            raise CommandError(f"日期“{date}”应为YYYY-MM-DD") from None
        found = doctor_find(doctor)
        if found is not None and not doctor_in_scope(found, actor_region(self.actor)):
            found = None  # --as a county user: another county's doctor is not disclosed
        if found is None:
            raise CommandError("未找到该医保医师(请提供公民身份号码或执业证书编码)")
        self.stdout.write(json.dumps(doctor_standing(doctor=found, on=day), ensure_ascii=False))
