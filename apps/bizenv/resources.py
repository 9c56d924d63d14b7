"""Exports of the 营商环境 plan (Chinese headers; completion and overdue as of today)."""

from __future__ import annotations

from django.utils import timezone
from import_export import fields, resources

from .models import BizEnvTask, Indicator
from .selectors import is_overdue
from .services import completed_on


class BizEnvTaskResource(resources.ModelResource):
    number = fields.Field(attribute="number", column_name="序号")
    group = fields.Field(attribute="group", column_name="工作重点")
    title = fields.Field(attribute="title", column_name="任务")
    owners_text = fields.Field(attribute="owners_text", column_name="责任单位")
    deadline_text = fields.Field(attribute="deadline_text", column_name="完成时间")
    deadline = fields.Field(attribute="deadline", column_name="完成期限")
    completed = fields.Field(column_name="完成日期")
    overdue = fields.Field(column_name="今日是否逾期")

    class Meta:
        model = BizEnvTask
        fields = ("number", "group", "title", "owners_text", "deadline_text", "deadline",
                  "completed", "overdue")
        export_order = fields

    def dehydrate_group(self, obj):
        return obj.get_group_display()

    def dehydrate_completed(self, obj):
        done = completed_on(obj, timezone.localdate())
        return done.isoformat() if done else ""

    def dehydrate_overdue(self, obj):
        return "是" if is_overdue(obj, timezone.localdate()) else "否"


class IndicatorResource(resources.ModelResource):
    number = fields.Field(attribute="number", column_name="序号")
    name = fields.Field(attribute="name", column_name="指标名称")
    leads = fields.Field(column_name="牵头领导/牵头部门/责任部门")
    subtasks = fields.Field(column_name="主要任务")

    class Meta:
        model = Indicator
        fields = ("number", "name", "leads", "subtasks")
        export_order = fields

    def dehydrate_leads(self, obj):
        return ";".join(f"{lead.leader}/{lead.departments_text}/{lead.responsible_text}"
                        for lead in obj.leads.all())

    def dehydrate_subtasks(self, obj):
        return "\n".join(f"({sub.number}){sub.text}" for sub in obj.subtasks.all())
