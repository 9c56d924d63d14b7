"""Exports of the tourism app (Chinese headers; amounts in yuan as numbers)."""

from __future__ import annotations

from import_export import fields, resources

from .models import ScenicSpot, SettlementStatement, SpotClosure, SpotSettlement


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
    voided = fields.Field(column_name="已作废")

    class Meta:
        model = SpotClosure
        fields = ("spot", "starts_on", "ends_on", "note", "voided")
        export_order = fields


    def dehydrate_voided(self, obj):
        return "是" if hasattr(obj, "void") else "否"


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


class SettlementStatementResource(resources.ModelResource):
    spot = fields.Field(attribute="spot__name", column_name="景区")
    year = fields.Field(attribute="year", column_name="年度")
    computed_on = fields.Field(attribute="computed_on", column_name="结算日期")
    free_days = fields.Field(attribute="free_days", column_name="实际免费天数")
    final = fields.Field(attribute="final", column_name="应补助额")
    advance = fields.Field(attribute="advance", column_name="预拨额")
    city_reward = fields.Field(attribute="city_reward", column_name="市级奖励")
    difference = fields.Field(attribute="difference", column_name="多退少补")
    direction = fields.Field(attribute="direction", column_name="方向")
    provisional = fields.Field(column_name="暂定")
    in_force = fields.Field(column_name="现行")

    class Meta:
        model = SettlementStatement
        fields = ("spot", "year", "computed_on", "free_days", "final", "advance", "city_reward",
                  "difference", "direction", "provisional", "in_force")
        export_order = fields

    def dehydrate_provisional(self, obj):
        return "暂定" if obj.provisional else ""

    def dehydrate_in_force(self, obj):
        return "是" if getattr(obj, "in_force", True) else "否"  # annotated by the admin
