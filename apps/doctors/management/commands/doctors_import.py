"""python manage.py doctors_import {doctors|deductions|appeals} FILE [--as USERNAME]"""

from apps.core.commands import ImportFileCommand
from apps.doctors.imports import HEADERS, import_file


class Command(ImportFileCommand):
    help = "导入医保医师、扣分记录或申诉(整表校验,任一行有误则不导入)"
    kinds = sorted(HEADERS)

    def import_file(self, *, data, filename, actor, kind):
        return import_file(kind=kind, data=data, filename=filename, actor=actor)

    def summary(self, counts):
        return "导入完成:" + ",".join(f"{k}={v}" for k, v in counts.items())
