"""The four subsidy imports on the core import screen (issue 3 §4: 预览后确认导入; issue 14 §4).

``apps.core.import_admin.WholeFileImportMixin`` hands the uploaded bytes to
``imports.import_file`` — the same whole-file service as ``subsidy_import``: the preview is its
dry run (every bad row listed with line, column and Chinese message, nothing written), the
confirm starts the real import as a Celery task whose progress page shows rows checked and the
outcome.

Large files (``uploads.validate_in_worker``: past ``IMPORT_INLINE_MAX_BYTES`` or
``IMPORT_INLINE_MAX_ROWS``) are not validated in the upload request (issue 11 §3): the dry run
runs as a job in the worker with a progress page, which ends in the same preview/confirm
screen (the core ``import_checked_view``) built from the job's outcome.

Authority (issue 9 §2): preview and import both run as the uploading user, so a county
user's file is checked row by row against their county. Uploaded bytes never live under a
client-supplied name: between preview and confirm, and until the worker has imported them,
they wait in ``IMPORT_DIR`` under a random token bound to the user (``apps.core.uploads``).
"""

from __future__ import annotations

from django import forms
from import_export.forms import ConfirmImportForm, ImportForm

from apps.core.import_admin import Preview, WholeFileImportMixin, job_page

from . import imports, rules
from .tasks import start_check_job, start_import_job


def _clean_month(value: str) -> str:
    if not value:
        return ""
    try:
        return rules.month_label(rules.parse_month(value))
    except rules.BadMonth as exc:
        raise forms.ValidationError(str(exc)) from exc


class SubsidyImportForm(ImportForm):
    from_month = forms.CharField(label="起始月份", required=False,
                                 help_text="补贴对象、市属高校导入:文件无“起始月份”列(或为空)的行自该月起适用,"
                                           "格式YYYY-MM;缺省时补贴对象为本月,新登记高校自始、学生数变更自本月")

    def clean_from_month(self):
        return _clean_month(self.cleaned_data["from_month"])


class SubsidyConfirmForm(ConfirmImportForm):
    from_month = forms.CharField(widget=forms.HiddenInput(), required=False)

    def clean_from_month(self):
        return _clean_month(self.cleaned_data["from_month"])


class SubsidyImportMixin(WholeFileImportMixin):
    """The core preview → confirm screen over ``imports.import_file`` for ``import_kind``."""

    import_kind = ""
    import_form_class = SubsidyImportForm
    confirm_form_class = SubsidyConfirmForm
    import_note = "确认后在后台导入并显示进度。"

    def import_kinds(self):
        kind = self.import_kind
        return [(kind, f"{imports.KIND_LABELS[kind]}({','.join(imports.HEADERS[kind])})",
                 list(imports.HEADERS[kind]))]

    def import_options(self, cleaned_data):
        return {"from_month": cleaned_data.get("from_month") or None}

    def import_preview(self, request, *, kind, data, filename, options):
        outcome = imports.import_file(kind=kind, data=data, filename=filename, dry_run=True,
                                      actor=request.user, **options)
        return Preview(summary=str(outcome), messages=outcome.messages, rows=outcome.rows,
                       created=outcome.created, updated=outcome.updated,
                       unchanged=outcome.unchanged)

    def import_confirm(self, request, *, kind, data, filename, options):
        return job_page(start_import_job(kind=kind, data=data, filename=filename,
                                         user=request.user, **options))

    def import_large(self, request, *, kind, token, data, filename, options):
        """A large file's preview runs in the worker: go to its progress page."""
        return job_page(start_check_job(
            kind=kind, token=token, filename=filename, user=request.user, **options,
            preview_view=f"admin:{self.opts.app_label}_{self.opts.model_name}_import_checked"))
