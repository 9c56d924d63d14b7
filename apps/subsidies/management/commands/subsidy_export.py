"""python manage.py subsidy_export YYYY-MM FILE [--as USERNAME] — the roll (CSV/XLSX by
extension).

With ``--as`` the roll is limited to that user's county and department and IDs are masked
unless the role may see them; a file with full resident IDs is recorded in the audit trail
as a disclosure (issue 9 §5)."""

from django.core.management.base import CommandError

from apps.core import audit, roles
from apps.core.commands import ActorCommand
from apps.subsidies import exports, rules, selectors
from apps.subsidies.models import RollLine, SubsidyRun


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
            exports.report_workbook(run, file, user=self.actor)
            self.stdout.write(self.style.SUCCESS(f"{run}上报汇总表已写入 {file}"))
            return
        masked = self.actor is not None and not roles.may_see_full_id(self.actor)
        count = exports.write_table(file, exports.ROLL_HEADERS,
                                    exports.roll_rows(run, user=self.actor, masked=masked), fmt=fmt)
        if not masked:
            own = roles.user_region(self.actor)
            audit.record_id_disclosure(
                actor=self.actor, model=RollLine, count=count,
                note=f"subsidy_export 导出发放名单(完整身份证号){run} → {file}",
                regions=[own] if own else selectors.line_regions(run))
        self.stdout.write(self.style.SUCCESS(
            f"{run}({run.get_status_display()}):{count}人已写入 {file}"))
