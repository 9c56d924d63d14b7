"""python manage.py subsidy_import {indices|standards|beneficiaries|universities} FILE [--from-month YYYY-MM] [--dry-run] [--as USERNAME]

The same whole-file service as the admin screens (``imports.import_file``), on the core import
command (``apps.core.commands.ImportFileCommand``, issue 14 §4), as the ``--as`` user (a county
user's file is checked row by row against their county, issue 9 §2) or as 系统."""

from apps.core.commands import ImportFileCommand
from apps.subsidies import imports, rules


class Command(ImportFileCommand):
    help = "导入价格补贴数据文件(CSV UTF-8/GBK 或 XLSX);任一行有误则全部不导入"
    kinds = imports.KINDS
    option_names = ["from_month", "dry_run"]
    refusals = (rules.BadMonth,)
    refusal_on_stderr = True  # 第N行… on stderr, the error line alone (as before)

    def add_options(self, parser):
        parser.add_argument("--from-month", help=(
            "无“起始月份”列或该列为空的行的起始月份(YYYY-MM):补贴对象的新增资格和区划城乡、"
            "高校在校学生数自该月起适用。缺省时补贴对象为本月;高校新登记的自始适用,"
            "学生数变更自本月起适用"))
        parser.add_argument("--dry-run", action="store_true", help="只校验,不写入")

    def import_file(self, *, data, filename, actor, kind, from_month=None, dry_run=False):
        month = rules.parse_month(from_month) if from_month else None
        return imports.import_file(kind=kind, data=data, filename=filename, dry_run=bool(dry_run),
                                   from_month=month, actor=actor)

    def report(self, outcome):
        self.stdout.write(self.style.SUCCESS(str(outcome)))
        for message in outcome.messages:
            self.stdout.write(message)
