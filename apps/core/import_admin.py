"""The one admin import screen (issue 14 §4): preview → confirm over the whole-file services.

Every app's 导入 screen (``admin:<app>_<model>_import``, django-import-export's URLs, forms
and template: ``import_file``, ``format`` with CSV first, the resource chooser, the confirm
step posting ``import_file_name`` to ``process_import``) runs the app's whole-file
validation service, never import-export's row-by-row resources:

* the preview is the service's dry run (``import_preview``): every bad row listed with line,
  column and Chinese message, nothing written;
* the confirm is the service itself (``import_confirm``), inline or as a worker job;
* a large file (``uploads.validate_in_worker``) is not read in the upload request
  (issue 11 §3): ``import_large`` sends it to the worker (its dry run, or its import).

Between preview and confirm the bytes wait in ``IMPORT_DIR`` under a random token bound to
the uploading user (``apps.core.uploads``, issue 9 §7); an expired or used token is said in
Chinese, never a 500. The subclass lists its ``import_kinds`` (one resource each, in order)
and names the service in the hooks below.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from import_export import fields, resources
from import_export.admin import ImportMixin
from import_export.formats.base_formats import Format
from import_export.results import Result, RowResult

from . import authority, uploads
from .tabular import ImportRejected


@dataclass
class Preview:
    """What a clean dry run would do: its summary line, remarks and counts."""

    summary: str
    messages: list[str] = field(default_factory=list)
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0


class CsvOrXlsx(Format):
    """One import format for CSV (UTF-8/GBK) and XLSX; the file name tells them apart and the
    service reads the bytes (``apps.core.tabular.read_rows``)."""

    def __init__(self, encoding=None):
        self.encoding = encoding

    def get_title(self):
        return "CSV(UTF-8/GBK)或XLSX"

    def get_extension(self):
        return "csv"

    def is_binary(self):
        return True

    def can_import(self):
        return True

    def can_export(self):
        return False


class KindResource(resources.Resource):
    """An import kind as import-export's form and template see it: its name and exact
    headers (the resource chooser, the header list, the template download). It never
    imports: the screen hands the file to the service."""

    kind = ""
    display_name = ""

    @classmethod
    def get_display_name(cls):
        return cls.display_name

    def import_data(self, *args, **kwargs):
        raise NotImplementedError("整表导入由服务完成(WholeFileImportMixin)")


def kind_resource(kind: str, label: str, headers: list[str]) -> type[KindResource]:
    attrs = {f"column_{i}": fields.Field(column_name=header) for i, header in enumerate(headers)}
    return type(f"{kind.title()}KindResource", (KindResource,),
                {**attrs, "kind": kind, "display_name": label})


def dry_run(service, **kwargs):
    """Run a whole-file import service and roll it back (the preview of a service that has no
    ``dry_run`` of its own): it validates and counts exactly as the confirm will."""
    with transaction.atomic():
        outcome = service(**kwargs)
        transaction.set_rollback(True)
    return outcome


def preview_result(*, summary: str, messages=(), rows=0, created=0, updated=0, unchanged=0,
                   errors=()) -> Result:
    """The screen's result: the counts of a clean dry run, or each bad row (``RowError`` or
    its dict: line, column, message) — the same for a file checked in the request or in the
    worker."""
    result = Result()
    result.qz_summary = summary
    result.qz_messages = list(messages)
    for error in errors:
        line, column, message = ((error.get("line"), error.get("column"), error.get("message", ""))
                                 if isinstance(error, dict) else
                                 (error.line, error.column, error.message))
        result.append_invalid_row(line or 1, {}, ValidationError(
            {column or NON_FIELD_ERRORS: [message]}))
    if not errors:
        result.total_rows = rows
        result.totals[RowResult.IMPORT_TYPE_NEW] = created
        result.totals[RowResult.IMPORT_TYPE_UPDATE] = updated
        result.totals[RowResult.IMPORT_TYPE_SKIP] = unchanged
    return result


class WholeFileImportMixin(ImportMixin):
    """import-export's 导入 screen (URLs, fields, confirm step) over a whole-file service.

    Hooks: ``import_kinds`` ([(kind, label, headers)], the resource order);
    ``import_preview`` (the dry run → ``Preview``, raising ``ImportRejected``);
    ``import_confirm`` (the import → a response); ``import_large`` (a large file → a
    response, usually a job page); ``import_options`` (extra form fields, e.g. from_month)."""

    import_formats = [CsvOrXlsx]
    import_template_name = "admin/core/import.html"
    skip_import_confirm = False
    import_note = ""  # one paragraph under the headers (optional columns, accepted values)
    # An older one-step address (``upload/``, POST ``kind`` + ``file``) kept working: the same
    # screen's checks, importing without the confirm step; a GET shows the screen.
    import_upload_path = ""

    # --- hooks -----------------------------------------------------------------------------
    def import_kinds(self) -> list[tuple[str, str, list[str]]]:
        raise NotImplementedError

    def import_options(self, cleaned_data: dict) -> dict:
        """The form's fields beyond import-export's, as the service's keyword arguments."""
        return {}

    def import_preview(self, request, *, kind: str, data: bytes, filename: str,
                       options: dict) -> Preview:
        raise NotImplementedError

    def import_confirm(self, request, *, kind: str, data: bytes, filename: str,
                       options: dict):
        raise NotImplementedError

    def import_large(self, request, *, kind: str, token: str, data: bytes, filename: str,
                     options: dict):
        raise NotImplementedError

    # --- the screen ------------------------------------------------------------------------
    def get_import_resource_classes(self, request):
        return [kind_resource(kind, label, headers) for kind, label, headers in self.import_kinds()]

    def has_import_permission(self, request):
        return request.user.has_perm(f"{self.opts.app_label}.add_{self.opts.model_name}")

    def get_import_context_data(self, **kwargs):
        return {**super().get_import_context_data(**kwargs), "import_note": self.import_note}

    def _kind(self, cleaned_data) -> str:
        """The chosen resource's kind (a tampered confirm form's resource is refused)."""
        kinds = [kind for kind, _label, _headers in self.import_kinds()]
        index = str(cleaned_data.get("resource") or "0")
        if not index.isdigit() or int(index) >= len(kinds):
            raise PermissionDenied("没有这个导入类型")
        return kinds[int(index)]

    def render_import(self, request, *, form, result=None, confirm_form=None):
        resource_classes = self.get_import_resource_classes(request)
        context = {**self.get_import_context_data(), **self.admin_site.each_context(request),
                   "title": "导入", "form": form, "opts": self.model._meta,
                   "media": self.media + form.media, "result": result,
                   "confirm_form": confirm_form,
                   "import_error_display": self.import_error_display,
                   "fields_list": [(r.get_display_name(),
                                    [f.column_name for f in r().get_user_visible_fields()])
                                   for r in resource_classes]}
        request.current_app = self.admin_site.name
        return TemplateResponse(request, [self.import_template_name], context)

    def get_urls(self):
        from django.urls import path

        urls = super().get_urls()
        if not self.import_upload_path:
            return urls
        info = self.opts.app_label, self.opts.model_name
        return [path(self.import_upload_path, self.admin_site.admin_view(self.import_upload_view),
                     name="{}_{}_upload".format(*info)), *urls]

    def import_upload_view(self, request):
        """``upload/``: POST ``kind`` + ``file`` is the screen's upload with its kind chosen by
        name, imported at once (no confirm step); anything else is the screen itself."""
        if request.method != "POST" or "kind" not in request.POST:
            return self.import_action(request)
        kinds = [kind for kind, _label, _headers in self.import_kinds()]
        kind = request.POST.get("kind")
        data = {**request.POST.dict(), "format": "0",
                "resource": str(kinds.index(kind)) if kind in kinds else "-"}
        files = {"import_file": request.FILES["file"]} if "file" in request.FILES else {}
        return self.import_action(request, form_data=(data, files), direct=True)

    def _refused(self, request, form, exc: Exception):
        if isinstance(exc, ImportRejected):
            result = preview_result(summary=str(exc), errors=exc.errors)
        else:
            result = preview_result(summary=f"未导入任何数据:{exc}", errors=[
                {"line": 1, "column": "", "message": str(exc)}])
        return self.render_import(request, form=form, result=result)

    def import_action(self, request, form_data=None, direct: bool = False, **kwargs):
        """Upload → the service's dry run (or the worker, for a large file) → the preview with
        every bad row, or the counts and the confirm form (``direct``: the import itself)."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        if form_data is None:
            form = self.create_import_form(request)
        else:
            form = self.get_import_form_class(request)(
                self.get_import_formats(), self.get_import_resource_classes(request),
                data=form_data[0], files=form_data[1])
        if not (request.POST and form.is_valid()):
            return self.render_import(request, form=form)
        upload = form.cleaned_data["import_file"]
        data = b"".join(upload.chunks())
        kind, options = self._kind(form.cleaned_data), self.import_options(form.cleaned_data)
        if direct and not uploads.validate_in_worker(data, upload.name):
            try:
                return self.import_confirm(request, kind=kind, data=data, filename=upload.name,
                                           options=options)
            except (ImportRejected, authority.AuthorityError) as exc:
                return self._refused(request, form, exc)
        token = uploads.store_upload(data, user=request.user, suffix=Path(upload.name).suffix)
        if uploads.validate_in_worker(data, upload.name):
            return self.import_large(request, kind=kind, token=token, data=data,
                                     filename=upload.name, options=options)
        try:
            preview = self.import_preview(request, kind=kind, data=data, filename=upload.name,
                                          options=options)
        except (ImportRejected, authority.AuthorityError) as exc:
            uploads.discard_upload(token)
            return self._refused(request, form, exc)
        result = preview_result(summary=preview.summary, messages=preview.messages,
                                rows=preview.rows, created=preview.created,
                                updated=preview.updated, unchanged=preview.unchanged)
        confirm_form = self.get_confirm_form_class(request)(initial={
            "import_file_name": token, "original_file_name": upload.name,
            "format": form.cleaned_data["format"], "resource": form.cleaned_data.get("resource", ""),
            **{name: form.cleaned_data.get(name, "") for name in self.import_options_fields()}})
        return self.render_import(request, form=form, result=result, confirm_form=confirm_form)

    def import_options_fields(self) -> list[str]:
        """The import form's own fields carried to the confirm step (hidden)."""
        return [name for name in self.get_confirm_form_class(None).base_fields
                if name not in ("import_file_name", "original_file_name", "format", "resource")]

    def process_import(self, request, **kwargs):
        """The confirm: the kept upload (the same user's) goes to the service; an upload that
        expired (nightly cleanup) or was already used is said, no 500."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        confirm_form = self.create_confirm_form(request)
        if not confirm_form.is_valid():
            messages.error(request, "确认导入的表单无效,请重新上传文件")
            return HttpResponseRedirect(self.import_url())
        token = confirm_form.cleaned_data["import_file_name"]
        try:
            data = uploads.claim_upload(token, user=request.user)  # once: a double click imports once
        except uploads.UploadMissing as exc:
            messages.error(request, str(exc))
            return HttpResponseRedirect(self.import_url())
        try:
            return self.import_confirm(request, kind=self._kind(confirm_form.cleaned_data),
                                       data=data,
                                       filename=confirm_form.cleaned_data["original_file_name"],
                                       options=self.import_options(confirm_form.cleaned_data))
        except (ImportRejected, authority.AuthorityError) as exc:  # changed since the preview
            return self._refused(request, self.get_import_form_class(request)(
                self.get_import_formats(), self.get_import_resource_classes(request)), exc)

    def import_url(self) -> str:
        return reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_import",
                       current_app=self.admin_site.name)

    def changelist_url(self) -> str:
        return reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist",
                       current_app=self.admin_site.name)


def job_page(job) -> HttpResponseRedirect:
    """A job's progress page (``/subsidies/jobs/<id>/``, shared by every app's jobs)."""
    return HttpResponseRedirect(reverse("subsidies-job-page", args=[job.pk]))
