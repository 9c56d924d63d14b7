"""python manage.py doctors_year_end YYYY — close a year (idempotent)."""

import json

from apps.core.commands import ActorCommand
from apps.doctors.services import year_end


class Command(ActorCommand):
    help = "医保医师年度结转:适用连续三年规则,结转当年扣分(重复运行不产生变化)"

    def add_arguments(self, parser):
        parser.add_argument("year", type=int)

    def handle(self, *args, year, **options):
        self.stdout.write(json.dumps(year_end(year=year), ensure_ascii=False))
