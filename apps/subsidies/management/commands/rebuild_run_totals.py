"""python manage.py rebuild_run_totals [--as USERNAME] — rewrite every run's derived totals
(region × department × category, 衢政办发〔2020〕20号 八) from its roll lines (issue 13 §1)."""

from django.core.management.base import CommandError

from apps.core.authority import AuthorityError
from apps.core.commands import ActorCommand
from apps.subsidies import services


class Command(ActorCommand):
    help = "按发放名单明细重建各次测算的区划×部门×类别汇总(汇总由测算自动生成,不能手工修改)"

    def handle(self, *args, **options):
        try:
            count = services.rebuild_run_totals(actor=self.actor)
        except AuthorityError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"已重建{count}次测算的汇总"))
