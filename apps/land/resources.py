"""Exports of the land standards (Chinese headers; amounts in yuan as numbers)."""

from __future__ import annotations

from import_export import fields, resources

from .models import CollectiveFundRate, LandPrice


class LandPriceResource(resources.ModelResource):
    document = fields.Field(attribute="zone__policy__number", column_name="文号")
    zone = fields.Field(attribute="zone__number", column_name="区片")
    land_class = fields.Field(attribute="land_class", column_name="地类")
    price_per_mu = fields.Field(attribute="price_per_mu", column_name="综合地价(元/亩)")
    printed = fields.Field(attribute="printed", column_name="原文(万元/亩)")

    class Meta:
        model = LandPrice
        fields = ("document", "zone", "land_class", "price_per_mu", "printed")
        export_order = fields

    def dehydrate_land_class(self, obj):
        return obj.get_land_class_display()


class CollectiveFundRateResource(resources.ModelResource):
    document = fields.Field(attribute="zone__policy__number", column_name="文号")
    zone = fields.Field(attribute="zone__number", column_name="区片")
    rate_per_mu = fields.Field(attribute="rate_per_mu", column_name="标准(元/亩)")
    printed = fields.Field(attribute="printed", column_name="原文(万元/亩)")

    class Meta:
        model = CollectiveFundRate
        fields = ("document", "zone", "rate_per_mu", "printed")
        export_order = fields
