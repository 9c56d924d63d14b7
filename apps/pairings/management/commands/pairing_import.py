"""python manage.py pairing_import FILE [--as USERNAME]"""

from apps.core.commands import ImportFileCommand
from apps.pairings.imports import HEADERS, import_file


class Command(ImportFileCommand):
    help = "导入援疆帮扶活动(" + ",".join(HEADERS) + ";整表校验,任一行有误则不导入)"

    def import_file(self, *, data, filename, actor):
        return import_file(data=data, filename=filename, actor=actor)
