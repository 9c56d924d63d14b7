"""python manage.py bizenv_progress FILE [--as USERNAME]"""

from apps.bizenv.imports import HEADERS, import_file
from apps.core.commands import ImportFileCommand


class Command(ImportFileCommand):
    help = "导入营商环境任务完成情况(" + ",".join(HEADERS) + ";整表校验,任一行有误则不导入)"
    counted = "项"

    def import_file(self, *, data, filename, actor):
        return import_file(data=data, filename=filename, actor=actor)
