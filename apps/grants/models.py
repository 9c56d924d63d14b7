"""Innovation grants of 衢政办发〔2020〕16号 (issue 15 §4): items and their dated events.

An item's status on a date is derived from its events (执行/暂缓/停止/到期/恢复) and its
printed end date (三); events have legal effect, so they are never edited or deleted — a
later event (恢复, 到期) changes the status. City-wide: kept by 经信 at city level.
"""

from __future__ import annotations

from django.db import models
from simple_history.models import HistoricalRecords

from apps.core.models import PrintedStandard


class Group(models.TextChoices):
    """二's four parts."""

    ADDED = "added", "新增执行"
    ADJUSTED = "adjusted", "调整优化"
    SUSPENDED = "suspended", "暂缓执行"
    STOPPED = "stopped", "停止执行"


class EventKind(models.TextChoices):
    EXECUTE = "execute", "执行"
    SUSPEND = "suspend", "暂缓"
    STOP = "stop", "停止"
    EXPIRE = "expire", "到期"
    RESUME = "resume", "恢复"


class Status(models.TextChoices):
    NOT_YET = "not_in_force", "尚未施行"
    IN_FORCE = "in_force", "执行中"
    SUSPENDED = "suspended", "暂缓执行"
    STOPPED = "stopped", "停止执行"
    EXPIRED = "expired", "已到期"


EVENT_STATUS = {EventKind.EXECUTE: Status.IN_FORCE, EventKind.RESUME: Status.IN_FORCE,
                EventKind.SUSPEND: Status.SUSPENDED, EventKind.STOP: Status.STOPPED,
                EventKind.EXPIRE: Status.EXPIRED}


class GrantItem(PrintedStandard, models.Model):
    """One policy item of 二, keyed ``<group>-<number as printed>`` (sub-points ``.1``)."""

    authority_scope = "city"

    document = models.CharField("文号", max_length=60)
    key = models.CharField("编号", max_length=40, unique=True)
    group = models.CharField("类别", max_length=12, choices=Group.choices)
    position = models.PositiveSmallIntegerField("序号")
    title = models.CharField("名称", max_length=300)
    text = models.TextField("原文", blank=True)
    valid_until = models.DateField("有效期至", null=True, blank=True,
                                   help_text="三:“有效期截至2020年12月31日”;未刊载的由经信录入“到期”事件")
    source_article = models.ForeignKey("gazette.Article", verbose_name="政报来源", null=True,
                                       blank=True, on_delete=models.SET_NULL, related_name="+")

    history = HistoricalRecords()

    class Meta:
        verbose_name = "奖补政策条目"
        verbose_name_plural = "奖补政策条目"
        ordering = ["document", "group", "position"]

    def __str__(self) -> str:
        return f"{self.key} {self.title}"


class GrantItemEvent(models.Model):
    """A dated change of an item's status: 执行/暂缓/停止 from the 施行 clause, 到期 and 恢复
    from staff (三: “暂缓执行项目视情适时恢复实施”). Never edited or deleted."""

    authority_scope = "city"

    item = models.ForeignKey(GrantItem, verbose_name="条目", on_delete=models.PROTECT,
                             related_name="events")
    kind = models.CharField("事件", max_length=10, choices=EventKind.choices)
    on = models.DateField("日期")
    basis = models.CharField("依据", max_length=300, blank=True)
    recorded_by = models.CharField("录入人", max_length=150, blank=True)
    recorded_at = models.DateTimeField("录入时间", auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "奖补政策事件"
        verbose_name_plural = "奖补政策事件"
        ordering = ["item", "on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["item", "kind", "on"], name="grant_event_once_a_day"),
        ]

    def __str__(self) -> str:
        return f"{self.item.key} {self.on} {self.get_kind_display()}"

    def locked_reason(self) -> str | None:
        return "是已登记的政策状态事件" if self.pk else None
