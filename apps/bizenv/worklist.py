"""今日待办 items of the 营商环境 plan (衢政办发〔2020〕21号, issue 15 §7): a 联络员's overdue tasks
of their own unit, and every overdue task for 市府办 (市营商办 三(一): 督查考核). Overdue on D:
D after the deadline and the task not completed by D (the last event on or before D is 完成)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import OuterRef, Q, QuerySet, Subquery

from apps.core.worklist import Item, register

from .models import BizEnvContact, BizEnvProgress, BizEnvTask, ProgressKind


def overdue(today: dt.date) -> QuerySet[BizEnvTask]:
    """Every task overdue on ``today`` (one query: the last event on or before it)."""
    last = (BizEnvProgress.objects.filter(task=OuterRef("pk"), on__lte=today)
            .order_by("-on", "-pk").values("kind")[:1])
    return (BizEnvTask.objects.filter(deadline__lt=today).annotate(last_kind=Subquery(last))
            .filter(Q(last_kind__isnull=True) | Q(last_kind=ProgressKind.WITHDRAWN)))


def overdue_mine(user, today: dt.date) -> QuerySet[BizEnvTask]:
    """The overdue tasks the user's unit (their 联络员 record) owns."""
    return overdue(today).filter(owner_links__organisation__bizenv_contacts__user=user).distinct()


def overdue_all(user, today: dt.date) -> QuerySet[BizEnvTask]:
    return overdue(today)


@dataclass(frozen=True)
class ContactItem(Item):
    """Shown only to users recorded as a unit's 联络员 (others have no “本单位”)."""

    def applies_to(self, user) -> bool:
        return super().applies_to(user) and BizEnvContact.objects.filter(user=user).exists()


register(ContactItem(key="bizenv.mine", label="本单位逾期未完成的营商环境任务", order=60,
                     permission="bizenv.view_bizenvtask", model=BizEnvTask, rows=overdue_mine,
                     nearest="deadline", late=lambda on: Q(deadline__lt=on)))
register(Item(key="bizenv.overdue", label="逾期未完成的营商环境任务", order=61,
              permission="bizenv.add_bizenvprogress", model=BizEnvTask, rows=overdue_all,
              nearest="deadline", late=lambda on: Q(deadline__lt=on), city_level=True))
