"""python manage.py machinery_import FILE [--as USERNAME]"""

from apps.core.commands import ImportFileCommand
from apps.ecology.imports import HEADERS, import_file


class Command(ImportFileCommand):
    help = "导入非道路移动机械登记(" + ",".join(HEADERS) + ";整表校验,任一行有误则不导入)"
    counted = "台"

    def import_file(self, *, data, filename, actor):
        return import_file(data=data, filename=filename, actor=actor)
