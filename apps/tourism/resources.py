"""Exports of the tourism app (Chinese headers; amounts in yuan as numbers)."""

from __future__ import annotations

from import_export import fields, resources

from .models import ScenicSpot, SpotClosure, SpotSettlement


class ScenicSpotResource(resources.ModelResource):
    year = fields.Field(attribute="programme__year", column_name="年度")
    name = fields.Field(attribute="name", column_name="景区")
    printed = fields.Field(attribute="printed", column_name="原文")
    core = fields.Field(attribute="core", column_name="核心收费景区")
    region = fields.Field(attribute="region__name", column_name="所在县(市、区)")

    class Meta:
        model = ScenicSpot
        fields = ("year", "name", "printed", "core", "region")
        export_order = fields

    def dehydrate_core(self, obj):
        return "是" if obj.core else "否"


class SpotClosureResource(resources.ModelResource):
    spot = fields.Field(attribute="spot__name", column_name="景区")
    starts_on = fields.Field(attribute="starts_on", column_name="起")
    ends_on = fields.Field(attribute="ends_on", column_name="止")
    note = fields.Field(attribute="note", column_name="说明")

    class Meta:
        model = SpotClosure
        fields = ("spot", "starts_on", "ends_on", "note")
        export_order = fields


class SpotSettlementResource(resources.ModelResource):
    spot = fields.Field(attribute="spot__name", column_name="景区")
    year = fields.Field(attribute="year", column_name="年度")
    base_2019 = fields.Field(attribute="base_2019", column_name="2019年补助额")
    daily = fields.Field(attribute="daily_ticket_income", column_name="日均门票收入")
    ratio = fields.Field(attribute="reward_ratio", column_name="奖补比例")
    visitors = fields.Field(attribute="visitors", column_name="游客人数")
    in_effect = fields.Field(column_name="现行")
    recorded_at = fields.Field(attribute="recorded_at", column_name="录入时间")

    class Meta:
        model = SpotSettlement
        fields = ("spot", "year", "base_2019", "daily", "ratio", "visitors", "in_effect", "recorded_at")
        export_order = fields

    def dehydrate_in_effect(self, obj):
        return "是" if getattr(obj, "in_effect", True) else "否"  # annotated by the admin
