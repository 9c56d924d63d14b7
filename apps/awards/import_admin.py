"""The awards and personnel 导入 screens on the core import screen (issue 14 §4).

``apps.core.import_admin.WholeFileImportMixin`` hands the uploaded bytes to the app's
whole-file service (``imports.import_file``, awards or personnel): the preview is its dry
run (every bad row with line, column and Chinese message, or the counts 新增/更新/未变;
nothing written), the confirm is the service itself, and a large file
(``uploads.validate_in_worker``) is checked and imported in the worker, followed on the job
page (``start_job``). URLs, fields (``import_file``, ``format``) and the confirm step are
import-export's, as before.
"""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType

from django.contrib import messages
from django.shortcuts import redirect
from import_export.admin import ExportMixin

from apps.core import uploads
from apps.core.import_admin import Preview, WholeFileImportMixin, job_page


class ServiceImportMixin(WholeFileImportMixin):
    """One import kind of ``import_module`` (with ``import_file``, ``HEADERS``,
    ``KIND_LABELS``) on this model's 导入 screen; ``start_job`` runs a large file in the
    worker."""

    import_module: ModuleType
    import_kind = ""
    start_job: Callable | None = None

    def import_kinds(self):
        headers = list(self.import_module.HEADERS[self.import_kind])
        label = self.import_module.KIND_LABELS[self.import_kind]
        return [(self.import_kind, f"{label}({','.join(headers)})", headers)]

    def import_preview(self, request, *, kind, data, filename, options):
        outcome = self.import_module.import_file(kind=kind, data=data, filename=filename,
                                                 actor=request.user, dry_run=True)
        return Preview(summary=str(outcome), messages=outcome.messages, rows=outcome.rows,
                       created=outcome.created, updated=outcome.updated,
                       unchanged=outcome.unchanged)

    def import_confirm(self, request, *, kind, data, filename, options):
        outcome = self.import_module.import_file(kind=kind, data=data, filename=filename,
                                                 actor=request.user)
        messages.success(request, str(outcome))
        return redirect(self.changelist_url())

    def import_large(self, request, *, kind, token, data, filename, options):
        """Issue 11 §3: a large file is checked whole and imported in the worker; its job
        page lists every bad row, or the counts."""
        uploads.discard_upload(token)
        return job_page(type(self).start_job(kind=kind, data=data, filename=filename,
                                             user=request.user))


class ServiceImportExportMixin(ServiceImportMixin, ExportMixin):
    """The service import above with import-export's export (the list's 导入 and 导出)."""

    import_export_change_list_template = "admin/import_export/change_list_import_export.html"
