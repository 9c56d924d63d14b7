import datetime as dt

from django.core.management.base import CommandError

from apps.core.commands import ActorCommand
from apps.regulations.services import transitions_apply


class Command(ActorCommand):
    help = "规范性文件夜间处理:确认已到生效日期的状态变更,需修改文件期满失效(可重复运行)"

    def add_arguments(self, parser):
        parser.add_argument("--date", help="按该日处理(YYYY-MM-DD,默认今天)")

    def handle(self, *args, date=None, **options):
        try:
            today = dt.date.fromisoformat(date) if date else None
        except ValueError as exc:
            raise CommandError(f"日期“{date}”格式不对,应为 YYYY-MM-DD") from exc
        counts = transitions_apply(today=today, actor=self.actor)
        self.stdout.write(f"确认生效 {counts['applied']} 条,期满失效 {counts['lapsed']} 件")
