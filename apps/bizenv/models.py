"""营商环境 2020 plan of 衢政办发〔2020〕21号 (issue 15 §7): the tasks of 二 and the indicator list
of the 附件, as printed, and the dated completion events recorded by 市营商办 (市府办).

A task's completion is an event (``BizEnvProgress``): never edited or deleted; a wrong
completion is withdrawn by a later 撤销完成 event. City-wide records (issue 9 §1).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords


class TaskGroup(models.TextChoices):
    """二's six headings (一)–(六)."""

    ONE = "一", "(一)政务审批“最便捷”"
    TWO = "二", "(二)企业投资“最舒心”"
    THREE = "三", "(三)城市发展“最包容”"
    FOUR = "四", "(四)监管“最智慧”"
    FIVE = "五", "(五)企业创业“最安心”"
    SIX = "六", "(六)企业服务“最贴心”"


class BizEnvTask(models.Model):
    """One numbered task of 二 with its 责任单位 and 完成时间 as printed."""

    authority_scope = "city"

    document = models.CharField("文号", max_length=60)
    number = models.PositiveSmallIntegerField("序号")
    group = models.CharField("工作重点", max_length=2, choices=TaskGroup.choices)
    group_title = models.CharField("工作重点标题", max_length=200, blank=True)
    title = models.CharField("任务", max_length=200)
    text = models.TextField("原文", blank=True)
    owners_text = models.CharField("责任单位(原文)", max_length=500)
    deadline = models.DateField("完成期限", help_text="“全年”为12月31日,“N月底前”为N月最后一日(含)")
    deadline_text = models.CharField("完成时间(原文)", max_length=40)
    owners = models.ManyToManyField("core.Organisation", through="BizEnvTaskOwner",
                                    verbose_name="责任单位", related_name="bizenv_tasks")
    source_article = models.ForeignKey("gazette.Article", verbose_name="政报来源", null=True,
                                       blank=True, on_delete=models.SET_NULL, related_name="+")

    history = HistoricalRecords()

    class Meta:
        verbose_name = "营商环境任务"
        verbose_name_plural = "营商环境任务"
        ordering = ["document", "number"]
        constraints = [models.UniqueConstraint(fields=["document", "number"], name="bizenv_task_number")]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class BizEnvTaskOwner(models.Model):
    """A 责任单位 of a task, in printed order (各县(市、区)政府 → the six 人民政府)."""

    authority_scope = "city"

    task = models.ForeignKey(BizEnvTask, verbose_name="任务", on_delete=models.CASCADE,
                             related_name="owner_links")
    position = models.PositiveSmallIntegerField("顺序")
    organisation = models.ForeignKey("core.Organisation", verbose_name="单位", on_delete=models.PROTECT,
                                     related_name="+")
    printed = models.CharField("原文名称", max_length=100)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "任务责任单位"
        verbose_name_plural = "任务责任单位"
        ordering = ["task", "position"]
        constraints = [models.UniqueConstraint(fields=["task", "position"], name="bizenv_owner_position")]

    def __str__(self) -> str:
        return f"{self.task.number} {self.organisation}"


class ProgressKind(models.TextChoices):
    COMPLETED = "completed", "完成"
    WITHDRAWN = "withdrawn", "撤销完成"


class BizEnvProgress(models.Model):
    """A dated completion of a task (``bizenv_progress`` or the admin), or its withdrawal
    when it was recorded in error. Never edited or deleted."""

    authority_scope = "city"

    task = models.ForeignKey(BizEnvTask, verbose_name="任务", on_delete=models.PROTECT,
                             related_name="progress")
    kind = models.CharField("事件", max_length=10, choices=ProgressKind.choices,
                            default=ProgressKind.COMPLETED)
    on = models.DateField("完成日期")
    note = models.CharField("说明", max_length=500, blank=True)
    recorded_by = models.CharField("录入人", max_length=150, blank=True)
    recorded_at = models.DateTimeField("录入时间", auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "营商环境任务进展"
        verbose_name_plural = "营商环境任务进展"
        ordering = ["task", "on", "pk"]

    def __str__(self) -> str:
        return f"{self.task.number} {self.on} {self.get_kind_display()}"

    def locked_reason(self) -> str | None:
        return "是已登记的任务进展事件" if self.pk else None


class Indicator(models.Model):
    """A row of the 附件 指标清单 (序号, 指标名称), as printed."""

    authority_scope = "city"

    document = models.CharField("文号", max_length=60)
    number = models.PositiveSmallIntegerField("序号")
    name = models.CharField("指标名称", max_length=100)
    source_article = models.ForeignKey("gazette.Article", verbose_name="政报来源", null=True,
                                       blank=True, on_delete=models.SET_NULL, related_name="+")

    history = HistoricalRecords()

    class Meta:
        verbose_name = "营商环境指标"
        verbose_name_plural = "营商环境指标"
        ordering = ["document", "number"]
        constraints = [models.UniqueConstraint(fields=["document", "number"], name="bizenv_indicator_number")]

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"


class IndicatorLead(models.Model):
    """One 牵头领导 line of an indicator: 1–2 牵头部门 and the 责任部门 as printed."""

    authority_scope = "city"

    indicator = models.ForeignKey(Indicator, verbose_name="指标", on_delete=models.CASCADE,
                                  related_name="leads")
    position = models.PositiveSmallIntegerField("顺序")
    leader = models.CharField("牵头领导", max_length=50)
    department = models.ForeignKey("core.Organisation", verbose_name="牵头部门", on_delete=models.PROTECT,
                                   related_name="+")
    co_department = models.ForeignKey("core.Organisation", verbose_name="第二牵头部门", null=True,
                                      blank=True, on_delete=models.PROTECT, related_name="+")
    departments_text = models.CharField("牵头部门(原文)", max_length=100)
    responsible_text = models.CharField("责任部门(原文)", max_length=500, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "指标牵头"
        verbose_name_plural = "指标牵头"
        ordering = ["indicator", "position"]
        constraints = [models.UniqueConstraint(fields=["indicator", "position"], name="bizenv_lead_position")]

    def __str__(self) -> str:
        return f"{self.indicator.number} {self.leader} {self.departments_text}"


class IndicatorSubtask(models.Model):
    """A numbered 主要任务 of an indicator's cell: ``number`` as printed, ``position`` its place
    in the cell (the printed numbers restart where the table breaks across pages)."""

    authority_scope = "city"

    indicator = models.ForeignKey(Indicator, verbose_name="指标", on_delete=models.CASCADE,
                                  related_name="subtasks")
    position = models.PositiveSmallIntegerField("顺序")
    number = models.PositiveSmallIntegerField("编号(原文)")
    text = models.TextField("主要任务")

    history = HistoricalRecords()

    class Meta:
        verbose_name = "指标主要任务"
        verbose_name_plural = "指标主要任务"
        ordering = ["indicator", "position"]
        constraints = [models.UniqueConstraint(fields=["indicator", "position"], name="bizenv_subtask_position")]

    def __str__(self) -> str:
        return f"{self.indicator.number}({self.number})"


class BizEnvContact(models.Model):
    """A staff user's unit for the plan (营商环境联络员): their 今日待办 lists the overdue tasks
    that unit owns. Kept by 市府办 (三(一): 市营商办 牵头抓总); a user answers for one unit."""

    authority_scope = "city"

    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name="工作人员", on_delete=models.CASCADE,
                                related_name="bizenv_contact", limit_choices_to={"is_staff": True})
    organisation = models.ForeignKey("core.Organisation", verbose_name="所在单位", on_delete=models.PROTECT,
                                     related_name="bizenv_contacts")

    history = HistoricalRecords()

    class Meta:
        verbose_name = "营商环境联络员"
        verbose_name_plural = "营商环境联络员"
        ordering = ["organisation__name", "user__username"]

    def __str__(self) -> str:
        return f"{self.user} → {self.organisation}"
