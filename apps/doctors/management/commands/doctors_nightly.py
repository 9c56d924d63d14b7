"""python manage.py doctors_nightly [--date YYYY-MM-DD] — the nightly job by hand."""

import datetime as dt
import json

from django.core.management.base import CommandError

from apps.core.authority import AuthorityError
from apps.core.commands import ActorCommand
from apps.doctors.services import nightly


class Command(ActorCommand):
    help = "医保医师夜间作业:暂停期满、协议期满续签或解除、申诉决定逾期提醒"

    def add_arguments(self, parser):
        parser.add_argument("--date", help="按该日期运行(默认今天)")

    def handle(self, *args, date=None, **options):
        try:
            day = dt.date.fromisoformat(date) if date else None
        except ValueError:
            raise CommandError(f"日期“{date}”应为YYYY-MM-DD") from None
        try:
            result = nightly(today=day, actor=self.actor)
        except AuthorityError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(json.dumps(result, ensure_ascii=False))
