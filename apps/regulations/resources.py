"""XLSX/CSV import and export of documents and campaign results (django-import-export).

Bureaus load their own lists: numbers in any bracket form are normalised, a bad number
rejects its row with a Chinese message naming the row, and applying a campaign result
goes through the same service as the gazette import (status changes on the effective date).
"""

from __future__ import annotations

from import_export import fields, resources, widgets

from apps.core.docnumbers import DocumentNumber, InvalidDocumentNumber
from apps.core.models import Organisation
from apps.core.resources import AuditedImportMixin

from . import parsing, services
from .models import CampaignItem, CleanupCampaign, NormativeDocument, Outcome


def _normalise(row: dict, column: str, *, required: bool) -> None:
    value = (row.get(column) or "").strip() if isinstance(row.get(column), str) else row.get(column)
    if not value:
        if required:
            raise ValueError(f"“{column}”列为空")
        row[column] = None
        return
    try:
        row[column] = str(DocumentNumber.parse(value))
    except InvalidDocumentNumber as exc:
        raise ValueError(f"“{column}”列:{exc}") from exc


class OrganisationNameWidget(widgets.ForeignKeyWidget):
    """Issuer by any known name (市人民医院 ≡ 衢州市人民医院); unknown names are created."""

    def __init__(self):
        super().__init__(Organisation, field="name")

    def clean(self, value, row=None, **kwargs):
        return services.issuer_for(str(value).strip()) if value else None


class BlankFalseBooleanWidget(widgets.BooleanWidget):
    """公开发布: an empty cell means not marked public (the column is NOT NULL)."""

    def clean(self, value, row=None, **kwargs):
        return bool(super().clean(value, row=row, **kwargs))


class OutcomeWidget(widgets.Widget):
    """清理结果 by its Chinese label (继续有效/需修改/废止/宣布失效) or code."""

    def clean(self, value, row=None, **kwargs):
        text = str(value or "").strip()
        for outcome in Outcome:
            if text in (outcome.value, outcome.label):
                return outcome.value
        raise ValueError(f"清理结果“{text}”应为 继续有效、需修改、废止、宣布失效 之一")

    def render(self, value, obj=None, **kwargs):
        return Outcome(value).label if value else ""


class AuditedResource(AuditedImportMixin, resources.ModelResource):
    """Audited like every import (``AuditedImportMixin``); title findings go to the report
    staff read in the admin (DOMAIN §3)."""

    report_number = ""
    import_note = "表格导入"

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.findings: list[dict] = []

    def before_import(self, dataset, **kwargs):
        self.findings = []

    def clean_title(self, row: dict, column: str, *, where: str) -> str:
        """The title without list-heading words it ends with; they are reported."""
        printed = parsing.squash(str(row.get(column) or ""))  # （）≡() (issue 10 §14)
        title, stray = parsing.stray_words(printed)
        if stray:
            self.findings.append({"kind": "stray_title_words", "number": row.get("文号") or "",
                                  "message": f"{where}标题末尾多出“{stray}”:“{printed}”,登记为“{title}”"})
        return title

    def after_confirmed_import(self, dataset, result, **kwargs):
        if self.findings:
            services.findings_record(source_number=self.report_number, findings=self.findings)


class DocumentResource(AuditedResource):
    number = fields.Field(attribute="number", column_name="文号")
    title = fields.Field(attribute="title", column_name="标题")
    issuer = fields.Field(attribute="issuer", column_name="发文机关", widget=OrganisationNameWidget())
    date = fields.Field(attribute="date", column_name="成文日期", widget=widgets.DateWidget("%Y-%m-%d"))
    public = fields.Field(attribute="public", column_name="公开发布", widget=BlankFalseBooleanWidget())

    class Meta:
        model = NormativeDocument
        fields = ("number", "title", "issuer", "date", "public")
        import_id_fields = ("number",)
        skip_unchanged = True
        report_skipped = True

    report_number = "表格导入:规范性文件"

    def before_import_row(self, row, **kwargs):
        _normalise(row, "文号", required=True)
        if not (row.get("标题") or "").strip():
            raise ValueError("“标题”列为空")
        where = f"表格第{kwargs.get('row_number', '?')}行:"
        title = row["标题"] = self.clean_title(row, "标题", where=where)
        existing = NormativeDocument.objects.filter(number=row["文号"]).first()
        conflict = existing and services.title_conflict(document=existing, title=title, where=where)
        if conflict:
            self.findings.append(conflict)
            row["标题"] = existing.title  # keep the registered title; the report names both

    def import_field(self, field, instance, row, is_m2m=False, **kwargs):
        """A blank cell keeps what is registered for a known number (never clears it)."""
        value = row.get(field.column_name)
        if instance.pk and (value is None or str(value).strip() == ""):
            return
        super().import_field(field, instance, row, is_m2m=is_m2m, **kwargs)

    def before_save_instance(self, instance, row, **kwargs):
        number = DocumentNumber.parse(instance.number)
        instance.number_issuer_code = number.issuer
        instance.number_year = number.year
        instance.number_serial = number.serial


class CampaignResultResource(AuditedResource):
    report_number = "表格导入:清理结果"
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
        import_id_fields = ("campaign", "document")
        skip_unchanged = True
        report_skipped = True

    def before_import_row(self, row, **kwargs):
        _normalise(row, "清理文号", required=True)
        _normalise(row, "文号", required=True)
        if not CleanupCampaign.objects.filter(number=row["清理文号"]).exists():
            raise ValueError(f"清理工作{row['清理文号']}不存在,请先登记清理通知")
        where = f"表格第{kwargs.get('row_number', '?')}行:"
        title = self.clean_title(row, "文件名称", where=where)
        document, created, _ = services.document_register(
            number=row["文号"], title=title, source=f"表格导入 {row['清理文号']}")
        conflict = None if created else services.title_conflict(document=document, title=title,
                                                                where=where)
        if conflict:
            self.findings.append(conflict)

    def after_save_instance(self, instance, row, **kwargs):
        if kwargs.get("dry_run") and not kwargs.get("using_transactions", True):
            return
        services.campaign_outcome_record(campaign=instance.campaign, document=instance.document,
                                         outcome=instance.outcome)
