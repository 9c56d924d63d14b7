import datetime as dt

from django.core.management.base import CommandError
from django.utils import timezone

from apps.core.commands import ActorCommand
from apps.personnel import services


class Command(ActorCommand):
    help = "列出30天内试用期满的任职并提醒人事(夜间任务的手动运行,可重复运行)"

    def add_arguments(self, parser):
        parser.add_argument("--date", help="按该日期运行(YYYY-MM-DD,默认今天)")
        parser.add_argument("--days", type=int, default=30)

    def handle(self, *args, date=None, days=30, **options):
        try:
            today = dt.date.fromisoformat(date) if date else timezone.localdate()
        except ValueError as exc:
            raise CommandError(f"日期“{date}”应为 YYYY-MM-DD") from exc
        flags = services.probation_flags_raise(today=today, days=days, actor=self.actor)
        for flag in flags:
            self.stdout.write(f"{flag.item.person_name} {flag.item.post_label} 试用期 {flag.probation_until} 满")
        self.stdout.write(f"新增提醒 {len(flags)} 条" if flags else "没有新的试用期到期提醒")
