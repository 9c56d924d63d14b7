"""python manage.py doctors_year_end YYYY — close a year (idempotent)."""

import json

from django.core.management.base import CommandError

from apps.core.authority import AuthorityError
from apps.core.commands import ActorCommand
from apps.doctors.services import year_end


class Command(ActorCommand):
    help = "医保医师年度结转:适用连续三年规则,结转当年扣分(重复运行不产生变化)"

    def add_arguments(self, parser):
        parser.add_argument("year", type=int)

    def handle(self, *args, year, **options):
        try:
            result = year_end(year=year, actor=self.actor)
        except AuthorityError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(json.dumps(result, ensure_ascii=False))
