"""python manage.py subsidy_export YYYY-MM FILE — the roll (CSV/XLSX by extension)."""

from django.core.management.base import CommandError

from apps.core.commands import ActorCommand
from apps.subsidies import exports, rules
from apps.subsidies.models import SubsidyRun


class Command(ActorCommand):
    help = "导出某月价格临时补贴发放名单(.csv 或 .xlsx);--report 导出上报汇总表(.xlsx)"

    def add_arguments(self, parser):
        parser.add_argument("month")
        parser.add_argument("file")
        parser.add_argument("--sequence", type=int, default=0, help="0为正常名单,1起为调整名单")
        parser.add_argument("--report", action="store_true", help="导出上报汇总表(XLSX)")

    def handle(self, *args, month, file, sequence=0, report=False, **options):
        try:
            month = rules.parse_month(month)
            fmt = exports.format_for(file)
        except (rules.BadMonth, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        run = SubsidyRun.objects.filter(month=month, sequence=sequence).select_related("policy").first()
        if run is None:
            raise CommandError(f"{month:%Y-%m}没有序号为{sequence}的测算,请先运行 subsidy_run")
        if report:
            if fmt != "xlsx":
                raise CommandError("上报汇总表只支持 .xlsx")
            exports.report_workbook(run, file)
            self.stdout.write(self.style.SUCCESS(f"{run}上报汇总表已写入 {file}"))
            return
        count = exports.write_table(file, exports.ROLL_HEADERS, exports.roll_rows(run), fmt=fmt)
        self.stdout.write(self.style.SUCCESS(
            f"{run}({run.get_status_display()}):{count}人已写入 {file}"))
