"""XLSX/CSV export of documents and campaign results (django-import-export).

The columns are the import files' exact headers, so an exported list can be edited and
imported again; importing is the whole-file service ``imports.import_file`` (issue 14 §4),
never these resources.
"""

from __future__ import annotations

from import_export import fields, resources, widgets

from apps.core.models import Organisation

from .models import CampaignItem, CleanupCampaign, NormativeDocument, Outcome


class OutcomeWidget(widgets.Widget):
    """清理结果 by its Chinese label (继续有效/需修改/废止/宣布失效)."""

    def render(self, value, obj=None, **kwargs):
        return Outcome(value).label if value else ""


class DocumentResource(resources.ModelResource):
    number = fields.Field(attribute="number", column_name="文号")
    title = fields.Field(attribute="title", column_name="标题")
    issuer = fields.Field(attribute="issuer", column_name="发文机关",
                          widget=widgets.ForeignKeyWidget(Organisation, field="name"))
    date = fields.Field(attribute="date", column_name="成文日期", widget=widgets.DateWidget("%Y-%m-%d"))
    public = fields.Field(attribute="public", column_name="公开发布", widget=widgets.BooleanWidget())

    class Meta:
        model = NormativeDocument
        fields = ("number", "title", "issuer", "date", "public")


class CampaignResultResource(resources.ModelResource):
    campaign = fields.Field(attribute="campaign", column_name="清理文号",
                            widget=widgets.ForeignKeyWidget(CleanupCampaign, field="number"))
    outcome = fields.Field(attribute="outcome", column_name="清理结果", widget=OutcomeWidget())
    position = fields.Field(attribute="position", column_name="序号", widget=widgets.IntegerWidget())
    document = fields.Field(attribute="document", column_name="文号",
                            widget=widgets.ForeignKeyWidget(NormativeDocument, field="number"))
    title = fields.Field(attribute="title_as_printed", column_name="文件名称")

    class Meta:
        model = CampaignItem
        fields = ("campaign", "outcome", "position", "document", "title")

