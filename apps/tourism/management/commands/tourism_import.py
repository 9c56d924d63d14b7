"""python manage.py tourism_import closures|settlements FILE [--as USERNAME]"""

from pathlib import Path

from django.core.management.base import CommandError

from apps.core.authority import AuthorityError
from apps.core.commands import ActorCommand
from apps.core.tabular import ImportRejected
from apps.tourism.imports import KINDS, import_file


class Command(ActorCommand):
    help = ("导入全球免费游景区关闭时段(closures:" + ",".join(KINDS["closures"]) + ")或补助结算依据"
            "(settlements:" + ",".join(KINDS["settlements"]) + ");整表校验,任一行有误则不导入")

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted(KINDS))
        parser.add_argument("file")

    def handle(self, *args, kind, file, **options):
        path = Path(file)
        if not path.exists():
            raise CommandError(f"文件不存在:{file}")
        try:
            counts = import_file(kind=kind, data=path.read_bytes(), filename=path.name, actor=self.actor)
        except ImportRejected as exc:
            raise CommandError(exc.report()) from None
        except AuthorityError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write("导入完成:" + ",".join(f"{k}{v}条" for k, v in counts.items()))
