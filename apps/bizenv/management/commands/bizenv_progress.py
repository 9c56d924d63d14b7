"""python manage.py bizenv_progress FILE [--as USERNAME]"""

from pathlib import Path

from django.core.management.base import CommandError

from apps.bizenv.imports import HEADERS, import_file
from apps.core.authority import AuthorityError
from apps.core.commands import ActorCommand
from apps.core.tabular import ImportRejected


class Command(ActorCommand):
    help = "导入营商环境任务完成情况(" + ",".join(HEADERS) + ";整表校验,任一行有误则不导入)"

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file, **options):
        path = Path(file)
        if not path.exists():
            raise CommandError(f"文件不存在:{file}")
        try:
            counts = import_file(data=path.read_bytes(), filename=path.name, actor=self.actor)
        except ImportRejected as exc:
            raise CommandError(exc.report()) from None
        except AuthorityError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write("导入完成:" + ",".join(f"{k}{v}项" for k, v in counts.items()))
