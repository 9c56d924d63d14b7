"""``bizenv_progress`` and the admin upload (衢政办发〔2020〕21号, issue 15 §7): one validation.

Columns ``任务序号,完成日期,说明``. The whole file is checked first (unknown task, a date
that is not a date, in the future or before 2020, a task already completed or listed twice);
any bad line → ``ImportRejected`` naming 第N行 (header = 第1行), nothing saved.
"""

from __future__ import annotations

import datetime as dt
import re

from django.utils import timezone

from apps.core.tabular import ImportRejected, RowError, read_rows

from . import services
from .models import BizEnvTask, ProgressKind

HEADERS = ["任务序号", "完成日期", "说明"]
DOCUMENT = "衢政办发〔2020〕21号"
_DATE = re.compile(r"^(\d{4})[-/年.](\d{1,2})[-/月.](\d{1,2})日?$")


def _date(text: str) -> dt.date | None:
    found = _DATE.match(text)
    if not found:
        return None
    try:
        return dt.date(*map(int, found.groups()))
    except ValueError:
        return None


def validate(data: bytes, filename: str, *, today: dt.date | None = None) -> list[dict]:
    """Every row converted, or ``ImportRejected`` listing each bad line."""
    today = today or timezone.localdate()
    rows = read_rows(data, filename, HEADERS)
    tasks = {task.number: task for task in BizEnvTask.objects.filter(document=DOCUMENT)
             .prefetch_related("progress")}
    errors: list[RowError] = []
    seen: dict[int, int] = {}
    clean: list[dict] = []
    for line, cells in rows:
        before = len(errors)
        values = {k: (v or "").strip() for k, v in cells.items()}
        number_text, date_text = values["任务序号"].rstrip("."), values["完成日期"]
        task = None
        if not number_text:
            errors.append(RowError(line, "任务序号", "不能为空"))
        elif not (number_text.isascii() and number_text.isdigit()) or int(number_text) not in tasks:
            errors.append(RowError(line, "任务序号", f"未知的任务“{number_text}”(应为{DOCUMENT}二的1至"
                                                      f"{max(tasks) if tasks else 0})"))
        else:
            task = tasks[int(number_text)]
            if task.number in seen:
                errors.append(RowError(line, "任务序号", f"任务{task.number}与第{seen[task.number]}行重复"))
            seen.setdefault(task.number, line)
        on = _date(date_text)
        if not date_text:
            errors.append(RowError(line, "完成日期", "不能为空"))
        elif on is None:
            errors.append(RowError(line, "完成日期", f"应为日期,如2020-09-30(收到“{date_text[:20]}”)"))
        if task is not None and on is not None and len(errors) == before:
            try:
                services.check_progress(task=task, kind=ProgressKind.COMPLETED, on=on,
                                        note=values["说明"], today=today)
            except services.ProgressRefused as exc:
                errors.append(RowError(line, "完成日期", str(exc)))
        if len(errors) == before:
            clean.append({"task": task, "kind": ProgressKind.COMPLETED, "on": on, "note": values["说明"]})
    if errors:
        raise ImportRejected(errors[:500])
    return clean


def import_file(*, data: bytes, filename: str, actor=None) -> dict[str, int]:
    """Validate the whole file, then record every completion (all or nothing)."""
    rows = validate(data, filename)
    created = services.progress_record(rows=rows, actor=actor,
                                       note=f"导入营商环境任务进展{len(rows)}条({filename})")
    return {"完成": len(created)}
