"""python manage.py subsidy_import {indices|standards|beneficiaries|universities} FILE [--from-month YYYY-MM] [--as USERNAME]

The same whole-file service as the admin screens, as the ``--as`` user (a county user's
file is checked row by row against their county, issue 9 §2) or as 系统."""

from pathlib import Path

from django.core.management.base import CommandError

from apps.core.authority import AuthorityError
from apps.core.commands import ActorCommand
from apps.core.tabular import ImportRejected
from apps.subsidies import imports, rules


class Command(ActorCommand):
    help = "导入价格补贴数据文件(CSV UTF-8/GBK 或 XLSX);任一行有误则全部不导入"

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=imports.KINDS)
        parser.add_argument("file")
        parser.add_argument("--from-month", help=(
            "无“起始月份”列或该列为空的行的起始月份(YYYY-MM):补贴对象的新增资格和区划城乡、"
            "高校在校学生数自该月起适用。缺省时补贴对象为本月;高校新登记的自始适用,"
            "学生数变更自本月起适用"))
        parser.add_argument("--dry-run", action="store_true", help="只校验,不写入")

    def handle(self, *args, kind, file, from_month=None, dry_run=False, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"文件不存在:{file}")
        try:
            month = rules.parse_month(from_month) if from_month else None
            result = imports.import_file(kind=kind, data=path.read_bytes(), filename=path.name,
                                         dry_run=dry_run, from_month=month, actor=self.actor)
        except ImportRejected as exc:
            self.stderr.write(exc.report())
            raise CommandError(str(exc)) from exc
        except (rules.BadMonth, AuthorityError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(str(result)))
        for message in result.messages:
            self.stdout.write(message)
