"""Reads of the 营商环境 app (issue 15 §7): “what is overdue for B on D; what does B lead?”"""

from __future__ import annotations

import datetime as dt

from django.db.models import Prefetch, Q

from apps.core import services as core_services
from apps.core.models import Organisation

from .models import BizEnvTask, BizEnvTaskOwner, Indicator, IndicatorLead
from .services import completed_on

DOCUMENT = "衢政办发〔2020〕21号"


class NotFound(LookupError):
    pass


def organisation(name: str) -> Organisation:
    """A unit by its name or an alias (市场监管局 ≡ 市市场监管局, 柯城区政府 ≡ 柯城区人民政府)."""
    org = core_services.organisation_find(name)
    if org is None:
        raise NotFound(f"未找到单位“{name}”")
    return org


def is_overdue(task: BizEnvTask, as_of: dt.date) -> bool:
    """§7: overdue iff ``as_of`` is after the deadline (全年 = 12-31, N月底前 = the last day of
    month N, that day included; calendar days) and the task was not completed by ``as_of``."""
    return as_of > task.deadline and completed_on(task, as_of) is None


def _tasks():
    owners = BizEnvTaskOwner.objects.select_related("organisation").order_by("position")
    return (BizEnvTask.objects.filter(document=DOCUMENT)
            .prefetch_related(Prefetch("owner_links", queryset=owners), "progress").order_by("number"))


def tasks(*, as_of: dt.date, organisation_name: str = "", overdue: bool = False) -> list[dict]:
    """二's tasks as of ``as_of`` (optionally those a unit owns, optionally only the overdue)."""
    rows = _tasks()
    if not rows.exists():
        raise NotFound(f"尚未导入{DOCUMENT}的任务")
    if organisation_name:
        rows = rows.filter(owner_links__organisation=organisation(organisation_name)).distinct()
    answer = []
    for task in rows:
        late = is_overdue(task, as_of)
        if overdue and not late:
            continue
        done = completed_on(task, as_of)
        answer.append({"number": task.number, "title": task.title, "deadline": task.deadline.isoformat(),
                       "owners": [link.organisation.name for link in task.owner_links.all()],
                       "completed_on": done.isoformat() if done else None, "overdue": late})
    return answer


def indicators(*, lead: str = "") -> list[dict]:
    """The 附件 indicators as printed (optionally those a unit leads as 牵头部门)."""
    leads = IndicatorLead.objects.select_related("department", "co_department").order_by("position")
    rows = (Indicator.objects.filter(document=DOCUMENT)
            .prefetch_related(Prefetch("leads", queryset=leads), "subtasks").order_by("number"))
    if not rows.exists():
        raise NotFound(f"尚未导入{DOCUMENT}的指标清单")
    if lead:
        org = organisation(lead)
        rows = rows.filter(Q(leads__department=org) | Q(leads__co_department=org)).distinct()
    return [{"number": row.number, "name": row.name,
             "leads": [{"leader": item.leader,
                        "departments": [d.name for d in (item.department, item.co_department) if d],
                        "departments_as_printed": item.departments_text,
                        "responsible": item.responsible_text} for item in row.leads.all()],
             "subtasks": [{"number": sub.number, "text": sub.text} for sub in row.subtasks.all()]}
            for row in rows]


def overdue_for(org: Organisation, on: dt.date) -> list[BizEnvTask]:
    """The tasks ``org`` owns that are overdue on ``on`` (the bureau's worklist)."""
    return [task for task in _tasks().filter(owner_links__organisation=org).distinct()
            if is_overdue(task, on)]
