"""django-import-export admin screens for the four imports (issue 3 §4: 预览后确认导入).

import-export's own row-by-row resource would be a second validation path; instead its
preview/confirm flow hands the uploaded bytes to ``imports.import_file`` — the same whole-file
service as ``subsidy_import``: the preview is its dry run (every bad row listed with line,
column and Chinese message, nothing written), the confirm starts the real import as a Celery
task whose progress page shows rows checked and the outcome.

Large files (``uploads.validate_in_worker``: past ``IMPORT_INLINE_MAX_BYTES`` or
``IMPORT_INLINE_MAX_ROWS``) are not validated in the upload request (issue 11 §3): the dry run
runs as a job in the worker with a progress page, which ends in the same preview/confirm
screen (``import_checked_view``) built from the job's outcome.

Authority (issue 9 §2): preview and import both run as the uploading user, so a county
user's file is checked row by row against their county. Uploaded bytes never live under a
client-supplied name: between preview and confirm, and until the worker has imported them,
they wait in ``IMPORT_DIR`` under a random token bound to the user (``apps.core.uploads``).
"""

from __future__ import annotations

import tablib
from django import forms
from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from import_export import fields, resources
from import_export.admin import ImportMixin
from import_export.formats.base_formats import Format
from import_export.forms import ConfirmImportForm, ImportForm
from import_export.results import Result, RowResult
from import_export.tmp_storages import BaseStorage

from apps.core import authority, uploads
from apps.core.tabular import ImportRejected

from . import imports, rules
from .models import Job, JobStatus
from .tasks import start_check_job, start_import_job


class UploadStorage(BaseStorage):
    """import-export's storage between preview and confirm, over ``apps.core.uploads``: the
    hidden ``import_file_name`` is only a token, read back for the same user or refused."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.read_mode = "rb"

    def save(self, data):
        self.name = uploads.store_upload(data if isinstance(data, bytes) else data.encode(),
                                         user=authority.current_actor())

    def read(self):
        return uploads.read_upload(self.name, user=authority.current_actor())

    def remove(self):
        uploads.discard_upload(self.name)


class RawUpload(tablib.Dataset):
    """The uploaded bytes, untouched: ``imports.read_rows`` does the parsing (CSV UTF-8/GBK or
    XLSX, exact headers), exactly as for the command."""

    def __init__(self, raw: bytes):
        super().__init__()
        self.raw = raw

    def __len__(self) -> int:
        return 1 if self.raw else 0


class CsvOrXlsx(Format):
    """One import format for CSV (UTF-8/GBK) and XLSX; the file name tells them apart."""

    def __init__(self, encoding=None):
        self.encoding = encoding

    def get_title(self):
        return "CSV(UTF-8/GBK)或XLSX"

    def create_dataset(self, in_stream):
        return RawUpload(bytes(in_stream))

    def get_extension(self):
        return "csv"

    def can_import(self):
        return True

    def can_export(self):
        return False


class FileImportResource(resources.Resource):
    """Runs ``imports.import_file`` for ``kind``; the fields only list the exact headers."""

    kind = ""

    @classmethod
    def get_display_name(cls):
        return f"{imports.KIND_LABELS[cls.kind]}({','.join(imports.HEADERS[cls.kind])})"

    def import_data(self, dataset, dry_run=False, raise_errors=False, use_transactions=None,
                    collect_failed_rows=False, rollback_on_validation_errors=False, **kwargs):
        user = kwargs.get("user")
        filename = kwargs.get("file_name") or "upload.csv"
        from_month = kwargs.get("from_month") or None
        result = Result()
        result.diff_headers = list(imports.HEADERS[self.kind])
        if not dry_run:
            result.qz_job = start_import_job(kind=self.kind, data=dataset.raw,
                                             filename=filename, from_month=from_month, user=user)
            return result
        token = kwargs.get("upload_token")
        if token and uploads.validate_in_worker(dataset.raw, filename):
            result.qz_job = start_check_job(kind=self.kind, token=token, filename=filename,
                                            from_month=from_month, user=user,
                                            preview_view=kwargs.get("preview_view", ""))
            return result
        try:
            outcome = imports.import_file(kind=self.kind, data=dataset.raw, filename=filename,
                                          dry_run=True, from_month=from_month, actor=user)
        except authority.AuthorityError as exc:
            result.qz_summary = f"未导入任何数据:{exc}"
            result.append_invalid_row(1, {}, ValidationError({NON_FIELD_ERRORS: [str(exc)]}))
            return result
        except ImportRejected as exc:
            result.qz_summary = str(exc)
            for error in exc.errors:
                result.append_invalid_row(error.line, {}, ValidationError(
                    {error.column or NON_FIELD_ERRORS: [error.message]}))
            return result
        return preview_result(summary=str(outcome), messages=outcome.messages, rows=outcome.rows,
                              created=outcome.created, updated=outcome.updated,
                              unchanged=outcome.unchanged)


def preview_result(*, summary: str, messages=(), rows=0, created=0, updated=0, unchanged=0,
                   errors=()) -> Result:
    """The preview screen's result: the counts of a clean dry run, or each bad row (line,
    column, message) — the same for a file checked in the request or in the worker."""
    result = Result()
    result.qz_summary = summary
    result.qz_messages = list(messages)
    for error in errors:
        result.append_invalid_row(error.get("line") or 1, {}, ValidationError(
            {error.get("column") or NON_FIELD_ERRORS: [error.get("message", "")]}))
    if not errors:
        result.total_rows = rows
        result.totals[RowResult.IMPORT_TYPE_NEW] = created
        result.totals[RowResult.IMPORT_TYPE_UPDATE] = updated
        result.totals[RowResult.IMPORT_TYPE_SKIP] = unchanged
    return result


def resource_for(kind: str) -> type[FileImportResource]:
    attrs = {f"column_{i}": fields.Field(column_name=header)
             for i, header in enumerate(imports.HEADERS[kind])}
    attrs["kind"] = kind
    return type(f"{kind.title()}FileResource", (FileImportResource,), attrs)


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


class SubsidyImportMixin(ImportMixin):
    """import-export's preview → confirm screen over the whole-file service."""

    import_kind = ""
    import_formats = [CsvOrXlsx]
    import_form_class = SubsidyImportForm
    confirm_form_class = SubsidyConfirmForm
    import_template_name = "admin/subsidies/import_export.html"
    skip_import_confirm = False
    tmp_storage_class = UploadStorage

    def get_import_resource_classes(self, request):
        return [resource_for(self.import_kind)]

    def has_import_permission(self, request):
        return request.user.has_perm(f"{self.opts.app_label}.add_{self.opts.model_name}")

    def get_confirm_form_initial(self, request, import_form):
        initial = super().get_confirm_form_initial(request, import_form)
        if import_form is not None:
            initial["from_month"] = import_form.cleaned_data.get("from_month", "")
        return initial

    def get_import_data_kwargs(self, **kwargs):
        form = kwargs.get("form")
        kwargs = super().get_import_data_kwargs(**kwargs)
        kwargs.pop("request", None)
        if form is not None and form.is_bound and hasattr(form, "cleaned_data"):
            kwargs["from_month"] = form.cleaned_data.get("from_month") or None
            upload = form.cleaned_data.get("import_file")
            if getattr(upload, "tmp_storage_name", None):  # the preview step: a large file
                kwargs["upload_token"] = upload.tmp_storage_name  # is checked in the worker
                kwargs["preview_view"] = (f"admin:{self.opts.app_label}_"
                                          f"{self.opts.model_name}_import_checked")
        return kwargs

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [path("import/checked/<uuid:job_id>/",
                     self.admin_site.admin_view(self.import_checked_view),
                     name="{}_{}_import_checked".format(*info)), *super().get_urls()]

    def import_action(self, request, **kwargs):
        """A large file's preview runs in the worker: go to its progress page."""
        response = super().import_action(request, **kwargs)
        result = (getattr(response, "context_data", None) or {}).get("result")
        job = getattr(result, "qz_job", None)
        if job is not None:
            return HttpResponseRedirect(reverse("subsidies-job-page", args=[job.pk]))
        return response

    def import_checked_view(self, request, job_id):
        """The preview/confirm screen of a file validated in the worker: the same screen as a
        small file's, from the job's outcome; the confirm imports the kept upload."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        job = Job.objects.filter(pk=job_id, started_by=request.user, kind=Job.Kind.IMPORT).first()
        preview = (job.result or {}).get("preview") if job is not None else None
        if not preview or preview.get("kind") != self.import_kind:
            raise Http404("没有这个导入校验任务")
        if job.status == JobStatus.RUNNING:
            return HttpResponseRedirect(reverse("subsidies-job-page", args=[job.pk]))
        result = preview_result(summary=job.result.get("summary", ""),
                                messages=job.result.get("messages", []),
                                rows=job.result.get("rows", 0),
                                created=job.result.get("created", 0),
                                updated=job.result.get("updated", 0),
                                unchanged=job.result.get("unchanged", 0),
                                errors=job.errors if job.status == JobStatus.FAILED else ())
        import_form = self.create_import_form(request)
        context = {**self.get_import_context_data(), **self.admin_site.each_context(request),
                   "title": "导入", "form": import_form, "opts": self.model._meta,
                   "media": self.media + import_form.media, "result": result,
                   "import_error_display": self.import_error_display,
                   "fields_list": [(r.get_display_name(), list(imports.HEADERS[self.import_kind]))
                                   for r in self.get_import_resource_classes(request)]}
        if job.status == JobStatus.DONE:
            context["confirm_form"] = self.get_confirm_form_class(request)(initial={
                "import_file_name": preview["token"], "original_file_name": preview["file_name"],
                "format": "0", "resource": "0", "from_month": preview.get("from_month", "")})
        request.current_app = self.admin_site.name
        return TemplateResponse(request, [self.import_template_name], context)

    def process_import(self, request, **kwargs):
        """An upload that expired (nightly cleanup) or was already used: say so, no 500."""
        try:
            return super().process_import(request, **kwargs)
        except uploads.UploadMissing as exc:
            messages.error(request, str(exc))
            return HttpResponseRedirect(
                reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_import"))

    def process_result(self, result, request):
        """The confirmed import runs as a task: go to its progress page."""
        job = getattr(result, "qz_job", None)
        if job is None:
            return super().process_result(result, request)
        return HttpResponseRedirect(reverse("subsidies-job-page", args=[job.pk]))
