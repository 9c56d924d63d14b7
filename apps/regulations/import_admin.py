"""The registry's 导入 screens on the one core import screen (issue 14 §4).

``admin:regulations_normativedocument_import`` (规范性文件) and
``admin:regulations_campaignitem_import`` (清理结果) keep their URLs, fields and confirm
step; the preview is ``imports.import_file`` as a dry run (every bad row listed with line,
column and Chinese message, nothing written), the confirm is ``imports.import_file`` itself,
as the uploading user (city-level only, issue 9 §1). A registry list is a bureau's
spreadsheet: a file past the inline limit (``uploads.validate_in_worker``) is refused with a
Chinese message instead of being read in the request (issue 11 §3).
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponseRedirect

from apps.core import uploads
from apps.core.import_admin import Preview, WholeFileImportMixin

from . import imports


class RegistryImportMixin(WholeFileImportMixin):
    """The core preview → confirm screen over ``imports.import_file`` for ``import_kind``;
    the model's export (``resource_classes``) stays import-export's."""

    import_kind = ""
    import_note = ""
    import_export_change_list_template = "admin/import_export/change_list_import_export.html"

    def import_kinds(self):
        kind = self.import_kind
        return [(kind, imports.KIND_LABELS[kind], list(imports.HEADERS[kind]))]

    def import_preview(self, request, *, kind, data, filename, options):
        outcome = imports.import_file(kind=kind, data=data, filename=filename, dry_run=True,
                                      actor=request.user)
        return Preview(summary=str(outcome), messages=outcome.messages, rows=outcome.rows,
                       created=outcome.created, updated=outcome.updated,
                       unchanged=outcome.unchanged)

    def import_confirm(self, request, *, kind, data, filename, options):
        outcome = imports.import_file(kind=kind, data=data, filename=filename, actor=request.user)
        messages.success(request, str(outcome))
        for note in outcome.messages:
            messages.info(request, note)
        return HttpResponseRedirect(self.changelist_url())

    def import_large(self, request, *, kind, token, data, filename, options):
        uploads.discard_upload(token)
        messages.error(request, f"文件过大({len(data) // 1024}KB),未导入任何数据:"
                                f"{imports.KIND_LABELS[kind]}表格请分批导入")
        return HttpResponseRedirect(self.import_url())


DOCUMENTS_NOTE = ("文号可用任意括号写法;已登记文号的空白单元格保留原值;公开发布填“是”或“否”(空白为否);"
                  "标题末尾多出的“继续有效”等字样、与已登记标题的不同记入核对报告。")
CAMPAIGN_NOTE = ("清理结果填 继续有效、需修改、废止、宣布失效 之一,状态自清理决定生效日起变更;"
                 "已登记的清理结果不由导入改变,请在状态变更中作废或更正。")
