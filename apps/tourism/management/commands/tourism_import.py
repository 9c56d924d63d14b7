"""python manage.py tourism_import closures|settlements FILE [--as USERNAME]"""

from apps.core.commands import ImportFileCommand
from apps.tourism.imports import KINDS, import_file


class Command(ImportFileCommand):
    help = ("导入全球免费游景区关闭时段(closures:" + ",".join(KINDS["closures"]) + ")或补助结算依据"
            "(settlements:" + ",".join(KINDS["settlements"]) + ");整表校验,任一行有误则不导入")

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted(KINDS))
        super().add_arguments(parser)

    def handle(self, *args, kind, **options):
        self.kind = kind
        return super().handle(*args, **options)

    def import_file(self, *, data: bytes, filename: str, actor) -> dict[str, int]:
        return import_file(kind=self.kind, data=data, filename=filename, actor=actor)
