"""python manage.py subsidy_run YYYY-MM [--as USERNAME] — compute (or adjust) one month's roll.

City level (issue 9 §1): ``--as`` a county user is refused; without it the run is 系统's."""

from django.core.management.base import CommandError

from apps.core.commands import ActorCommand
from apps.subsidies import rules, services


class Command(ActorCommand):
    help = "计算指定月份的价格临时补贴发放名单(已审核月份生成调整名单)"

    def add_arguments(self, parser):
        parser.add_argument("month", help="月份,格式YYYY-MM,如2020-06")

    def handle(self, *args, month, **options):
        try:
            run = services.run_compute(month=rules.parse_month(month), actor=self.actor)
        except services.NoChange as exc:  # nothing to adjust: not an error (issue 13 §4)
            self.stdout.write(str(exc))
            return
        except (rules.BadMonth, services.SubsidyError) as exc:
            raise CommandError(str(exc)) from exc
        if not run.triggered:
            self.stdout.write(f"{run}:未启动(SCPI {run.scpi}%,CPI食品 {run.cpi_food}%),不发放")
            return
        self.stdout.write(self.style.SUCCESS(
            f"{run}:补贴涨幅 {run.rate}%,{run.persons}人,金额 {run.amount:.2f}元,"
            f"高校 {run.university_lines.count()}所,状态 {run.get_status_display()}"))
