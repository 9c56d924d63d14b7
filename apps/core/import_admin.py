"""The one admin import screen (issue 14 §4): preview → confirm over the whole-file services.

Every app's 导入 screen (``admin:<app>_<model>_import``, django-import-export's URLs, forms
and template: ``import_file``, ``format`` with CSV first, the resource chooser, the confirm
step posting ``import_file_name`` to ``process_import``) runs the app's whole-file
validation service, never import-export's row-by-row resources:

* the preview is the service's dry run (``import_preview``): every bad row listed with line,
  column and Chinese message, nothing written;
* the confirm is the service itself (``import_confirm``), inline or as a worker job;
* a large file (``uploads.validate_in_worker``) is not read in the upload request
  (issue 11 §3): ``import_large`` previews it in the worker (``apps.core.import_jobs``),
  whose job ends on this screen (``import_checked_view``), or, for a screen with no worker
  path, refuses it stating the limit, as ``upload/`` does;
* ``upload/`` beside the list (``import_upload_path``) is the same screen in one step; a
  large file there is never imported in the request (``import_direct_large``: refused stating
  the limit, or sent to the worker).

Between preview and confirm the bytes wait in ``IMPORT_DIR`` under a random token bound to
the uploading user (``apps.core.uploads``, issue 9 §7) — stored only when a confirm needs
them, with the file name, kind and options bound to them, so the confirm reads those from the
server, not from its hidden fields; an expired or used token is said in Chinese, never a
500. The subclass lists its ``import_kinds`` (one resource each, in order) and names the
service in the hooks below.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from import_export import fields, resources
from import_export.admin import ImportMixin
from import_export.formats.base_formats import Format
from import_export.results import Result, RowResult

from . import authority, uploads
from .import_jobs import dry_run
from .tabular import ImportRejected

__all__ = ["CsvOrXlsx", "KindResource", "Preview", "WholeFileImportMixin", "dry_run", "job_page",
           "kind_resource", "preview_result"]


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
    ``import_confirm`` (the import → a response); ``import_large`` (a large file, already
    stored under ``token`` → a response, usually the page of a job previewing it in the
    worker; ``None``: preview it in the request); ``import_options`` (extra form fields,
    e.g. from_month). A screen whose service returns ``{label: count}`` names it
    ``import_counts`` and gets the preview and confirm from it."""

    import_formats = [CsvOrXlsx]
    import_template_name = "admin/core/import.html"
    skip_import_confirm = False
    import_title = "导入"
    import_note = ""  # one paragraph under the headers (optional columns, accepted values)
    import_counted = "条"  # the unit in ``import_counts``' summary (导入完成:登记4台)
    # A one-step address beside the list (``upload/``, ``admin:<app>_<model>_upload``, POST
    # ``file`` — and ``kind`` when the screen has several): the same screen's checks,
    # importing without the confirm step; a GET shows the screen.
    import_upload_path = ""
    # When set (a title), the first kind's header row is also offered at
    # ``upload/template.<xlsx|csv>`` (``admin:<app>_<model>_upload_template``), named so.
    import_upload_template = ""

    # --- hooks -----------------------------------------------------------------------------
    def import_kinds(self) -> list[tuple[str, str, list[str]]]:
        raise NotImplementedError

    def import_options(self, cleaned_data: dict) -> dict:
        """The form's fields beyond import-export's, as the service's keyword arguments."""
        return {}

    def import_counts(self, *, kind: str, data: bytes, filename: str, actor) -> dict[str, int]:
        """The whole-file service returning ``{label: count}`` (optional, see the class)."""
        raise NotImplementedError

    def counts_text(self, counts: dict[str, int]) -> str:
        return ",".join(f"{label}{count}{self.import_counted}" for label, count in counts.items())

    def import_preview(self, request, *, kind: str, data: bytes, filename: str,
                       options: dict) -> Preview:
        counts = dry_run(self.import_counts, kind=kind, data=data, filename=filename,
                         actor=request.user)
        return Preview(summary="校验通过(未写入):" + self.counts_text(counts),
                       rows=sum(counts.values()), created=sum(counts.values()))

    def import_confirm(self, request, *, kind: str, data: bytes, filename: str,
                       options: dict):
        counts = self.import_counts(kind=kind, data=data, filename=filename, actor=request.user)
        messages.success(request, "导入完成:" + self.counts_text(counts))
        return HttpResponseRedirect(self.changelist_url())

    def import_large(self, request, *, kind: str, token: str, data: bytes, filename: str,
                     options: dict):
        """A large file at the two-step ``import/`` (issue 11 §3: never previewed or imported
        inside the request): a response, usually the page of a worker job previewing it. By
        default — a screen with no worker path (ecology, bizenv, tourism, pairings) — it is
        refused as ``upload/`` refuses it, in the same words (review finding 1)."""
        raise self.too_large(data, filename)

    def import_direct_large(self, request, *, kind: str, data: bytes, filename: str,
                            options: dict):
        """A large file posted to the one-step ``upload/`` (issue 11 §3: never imported inside
        the request): a response (e.g. a worker job's page), or ``None`` when ``import_confirm``
        itself sends a large file to the worker. By default it is refused, stating the limit."""
        raise self.too_large(data, filename)

    @staticmethod
    def too_large(data: bytes, filename: str) -> ValidationError:
        """The refusal of a file over the inline limit, naming the limit (both paths)."""
        return ValidationError(
            f"文件过大({len(data) // 1024}KB),超过页面直接导入的上限({uploads.inline_limit_text(filename)}),"
            "未导入任何数据;请分批上传")

    # --- the screen ------------------------------------------------------------------------
    def get_import_resource_classes(self, request):
        return [kind_resource(kind, label, headers) for kind, label, headers in self.import_kinds()]

    def has_import_permission(self, request):
        return request.user.has_perm(f"{self.opts.app_label}.add_{self.opts.model_name}")

    def get_import_context_data(self, **kwargs):
        return {**super().get_import_context_data(**kwargs), "import_note": self.import_note}

    def _kinds(self) -> list[str]:
        return [kind for kind, _label, _headers in self.import_kinds()]

    def _kind(self, cleaned_data) -> str:
        """The chosen resource's kind (a tampered confirm form's resource is refused)."""
        kinds = self._kinds()
        index = str(cleaned_data.get("resource") or "0")
        if not index.isdigit() or int(index) >= len(kinds):
            raise PermissionDenied("没有这个导入类型")
        return kinds[int(index)]

    def render_import(self, request, *, form, result=None, confirm_form=None):
        resource_classes = self.get_import_resource_classes(request)
        context = {**self.get_import_context_data(), **self.admin_site.each_context(request),
                   "title": self.import_title, "form": form, "opts": self.model._meta,
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

        info = self.opts.app_label, self.opts.model_name
        urls = [path("import/checked/<uuid:job_id>/",
                     self.admin_site.admin_view(self.import_checked_view),
                     name="{}_{}_import_checked".format(*info)), *super().get_urls()]
        if not self.import_upload_path:
            return urls
        blank = [path(f"{self.import_upload_path}template.<str:fmt>",
                      self.admin_site.admin_view(self.import_upload_template_view),
                      name="{}_{}_upload_template".format(*info))] if self.import_upload_template else []
        return [path(self.import_upload_path, self.admin_site.admin_view(self.import_upload_view),
                     name="{}_{}_upload".format(*info)), *blank, *urls]

    def import_upload_template_view(self, request, fmt: str):
        """The first kind's header row as a file to fill in, XLSX or CSV (issue 12 §4)."""
        from django.http import Http404

        from .exporting import template_file

        if not self.has_import_permission(request):
            raise PermissionDenied
        if fmt not in ("csv", "xlsx"):
            raise Http404("没有这个导入模板")
        return template_file(self.import_upload_template, self.import_kinds()[0][2], fmt)

    def import_upload_view(self, request):
        """``upload/``: POST ``file`` (and ``kind`` when the screen has several) is the
        screen's upload with its kind chosen by name, imported at once (no confirm step);
        anything else is the screen itself. Without the right to import: back to the list."""
        if not self.has_import_permission(request):
            messages.error(request, "无权导入")
            return HttpResponseRedirect(self.changelist_url())
        if request.method != "POST" or not ("kind" in request.POST or "file" in request.FILES):
            return self.import_action(request)
        kinds = self._kinds()
        kind = kinds[0] if len(kinds) == 1 else request.POST.get("kind")
        data = {**request.POST.dict(), "format": "0",
                "resource": str(kinds.index(kind)) if kind in kinds else "-"}
        files = {"import_file": request.FILES["file"]} if "file" in request.FILES else {}
        return self.import_action(request, form_data=(data, files), direct=True)

    def _refused(self, request, form, exc: Exception):
        if isinstance(exc, ImportRejected):
            result = preview_result(summary=str(exc), errors=exc.errors)
        else:
            text = ";".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            result = preview_result(summary=f"未导入任何数据:{text}", errors=[
                {"line": 1, "column": "", "message": text}])
        return self.render_import(request, form=form, result=result)

    # What a service may refuse with after the screen's own checks: the whole-file rejection,
    # the actor's scope, a model's own re-check (a concurrent upload) — said, never a 500.
    refusals = (ImportRejected, authority.AuthorityError, ValidationError)

    def _option_values(self, form) -> dict:
        """The import form's own fields (``import_options_fields``) as posted, to bind to the
        stored upload and rebuild the confirm form from on the server."""
        values = {name: form.fields[name].widget.value_from_datadict(form.data, form.files,
                                                                     form.add_prefix(name))
                  for name in self.import_options_fields() if name in form.fields}
        return {name: value for name, value in values.items() if value is not None}

    def import_action(self, request, form_data=None, direct: bool = False, **kwargs):
        """Upload → the service's dry run (or the worker, for a large file) → the preview with
        every bad row, or the counts and the confirm form (``direct``: the import itself).

        The upload is stored only when a confirm will need it — once, after a clean preview
        or before a large file goes to the worker — with its file name, kind and options
        bound to it (``uploads.store_upload(bound=…)``)."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        if form_data is None:
            form = self.create_import_form(request)
        else:
            form = self.get_import_form_class(request)(
                self.get_import_formats(), self.get_import_resource_classes(request),
                data=form_data[0], files=form_data[1])
        if not (request.method == "POST" and form.is_valid()):
            return self.render_import(request, form=form)
        upload = form.cleaned_data["import_file"]
        data = b"".join(upload.chunks())
        kind, options = self._kind(form.cleaned_data), self.import_options(form.cleaned_data)
        if direct:
            try:
                if uploads.validate_in_worker(data, upload.name):
                    response = self.import_direct_large(request, kind=kind, data=data,
                                                        filename=upload.name, options=options)
                    if response is not None:
                        return response
                return self.import_confirm(request, kind=kind, data=data, filename=upload.name,
                                           options=options)
            except self.refusals as exc:
                return self._refused(request, form, exc)
        bound = {"file_name": upload.name, "kind": kind,
                 "resource": str(form.cleaned_data.get("resource") or "0"),
                 "format": str(form.cleaned_data["format"]), "options": self._option_values(form)}
        token = None
        if uploads.validate_in_worker(data, upload.name):
            token = uploads.store_upload(data, user=request.user, suffix=Path(upload.name).suffix,
                                         bound=bound)
            try:
                response = self.import_large(request, kind=kind, token=token, data=data,
                                             filename=upload.name, options=options)
            except self.refusals as exc:
                uploads.discard_upload(token)
                return self._refused(request, form, exc)
            if response is not None:
                return response
        try:
            preview = self.import_preview(request, kind=kind, data=data, filename=upload.name,
                                          options=options)
        except self.refusals as exc:
            if token:
                uploads.discard_upload(token)
            return self._refused(request, form, exc)
        token = token or uploads.store_upload(data, user=request.user,
                                              suffix=Path(upload.name).suffix, bound=bound)
        result = preview_result(summary=preview.summary, messages=preview.messages,
                                rows=preview.rows, created=preview.created,
                                updated=preview.updated, unchanged=preview.unchanged)
        return self.render_import(request, form=form, result=result,
                                  confirm_form=self._confirm_form(request, token, bound))

    def _confirm_form(self, request, token: str, bound: dict, *, data: bool = False):
        """The confirm form of the upload ``token`` from what is bound to it: shown (initial)
        on the preview, and rebuilt (bound) at the confirm — the posted hidden fields other
        than the token are not read."""
        values = {"import_file_name": token, "original_file_name": bound.get("file_name", ""),
                  "format": bound.get("format", "0"), "resource": bound.get("resource", "0"),
                  **(bound.get("options") or {})}
        form_class = self.get_confirm_form_class(request)
        return form_class(data=values) if data else form_class(initial=values)

    def import_options_fields(self) -> list[str]:
        """The import form's own fields carried to the confirm step (hidden)."""
        return [name for name in self.get_confirm_form_class(None).base_fields
                if name not in ("import_file_name", "original_file_name", "format", "resource")]

    def process_import(self, request, **kwargs):
        """The confirm: the kept upload (the same user's, once) goes to the service with the
        file name, kind and options bound to it at the preview — a changed hidden field
        changes nothing; an upload that expired (nightly cleanup) or was already used is
        said, no 500."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        posted = self.create_confirm_form(request)
        if not posted.is_valid():
            messages.error(request, "确认导入的表单无效,请重新上传文件")
            return HttpResponseRedirect(self.import_url())
        token = posted.cleaned_data["import_file_name"]
        try:
            data, bound = uploads.claim_bound(token, user=request.user)  # once: a double click imports once
        except uploads.UploadMissing as exc:
            messages.error(request, str(exc))
            return HttpResponseRedirect(self.import_url())
        confirm_form = self._confirm_form(request, token, bound, data=True)
        if not bound or not confirm_form.is_valid() or self._kind(confirm_form.cleaned_data) != bound["kind"]:
            messages.error(request, "确认导入的表单无效,请重新上传文件")
            return HttpResponseRedirect(self.import_url())
        try:
            return self.import_confirm(request, kind=bound["kind"], data=data,
                                       filename=bound["file_name"],
                                       options=self.import_options(confirm_form.cleaned_data))
        except self.refusals as exc:  # changed since the preview
            return self._refused(request, self.get_import_form_class(request)(
                self.get_import_formats(), self.get_import_resource_classes(request)), exc)

    def import_checked_view(self, request, job_id):
        """The preview/confirm screen of a file checked in the worker (``import_large`` →
        ``apps.core.import_jobs.check_upload``): the same screen as a small file's, from the
        job's outcome; only the uploader sees it; the confirm imports the kept upload."""
        from django.http import Http404

        from .models import Job, JobStatus

        if not self.has_import_permission(request):
            raise PermissionDenied
        job = Job.objects.filter(pk=job_id, started_by=request.user, kind=Job.Kind.IMPORT).first()
        preview = (job.result or {}).get("preview") if job is not None else None
        if not preview or preview.get("kind") not in self._kinds():
            raise Http404("没有这个导入校验任务")
        if job.status == JobStatus.RUNNING:
            return job_page(job)
        outcome = job.result
        result = preview_result(summary=outcome.get("summary", ""),
                                messages=outcome.get("messages", []),
                                rows=outcome.get("rows", 0), created=outcome.get("created", 0),
                                updated=outcome.get("updated", 0),
                                unchanged=outcome.get("unchanged", 0),
                                errors=job.errors if job.status == JobStatus.FAILED else ())
        confirm_form = None
        if job.status == JobStatus.DONE:
            try:
                bound = uploads.upload_bound(preview["token"], user=request.user)
            except uploads.UploadMissing:
                bound = None
            if bound:
                confirm_form = self._confirm_form(request, preview["token"], bound)
            else:
                result = preview_result(summary="该文件已导入或已过期,请重新上传", errors=[
                    {"line": 1, "column": "", "message": "该文件已导入或已过期,请重新上传"}])
        return self.render_import(request, form=self.create_import_form(request), result=result,
                                  confirm_form=confirm_form)

    def import_url(self) -> str:
        return reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_import",
                       current_app=self.admin_site.name)

    def changelist_url(self) -> str:
        return reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist",
                       current_app=self.admin_site.name)


class ServiceImportMixin(WholeFileImportMixin):
    """The screen over one kind of an app's whole-file import module (``import_module`` with
    ``import_file(kind, data, filename, actor, dry_run)``, ``HEADERS``, ``KIND_LABELS``):
    preview = its dry run, confirm = the import, the outcome's remarks shown after it. A large
    file (issue 11 §3) is previewed in the worker — ``start_check(kind, token, filename,
    user, preview_view)``, whose job page leads to the same preview/confirm screen — and,
    after the confirm, imported there — ``start_job(kind, data, filename, user)``, followed
    on the job page; an app with no worker path refuses it in Chinese."""

    import_module = None
    import_kind = ""
    start_job = None
    start_check = None
    import_export_change_list_template = "admin/import_export/change_list_import_export.html"

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
        if type(self).start_job is not None and uploads.validate_in_worker(data, filename):
            return job_page(type(self).start_job(kind=kind, data=data, filename=filename,
                                                 user=request.user))
        outcome = self.import_module.import_file(kind=kind, data=data, filename=filename,
                                                 actor=request.user)
        messages.success(request, str(outcome))
        for note in outcome.messages:
            messages.info(request, note)
        return HttpResponseRedirect(self.changelist_url())

    def import_direct_large(self, request, *, kind, data, filename, options):
        if type(self).start_job is None:
            return super().import_direct_large(request, kind=kind, data=data,
                                               filename=filename, options=options)
        return None  # ``import_confirm`` imports it in the worker

    def import_large(self, request, *, kind, token, data, filename, options):
        if type(self).start_check is None:
            uploads.discard_upload(token)
            messages.error(request, f"文件过大({len(data) // 1024}KB),未导入任何数据:"
                                    f"{self.import_module.KIND_LABELS[kind]}表格请分批导入")
            return HttpResponseRedirect(self.import_url())
        return job_page(type(self).start_check(
            kind=kind, token=token, filename=filename, user=request.user,
            preview_view=f"admin:{self.opts.app_label}_{self.opts.model_name}_import_checked"))


def job_page(job) -> HttpResponseRedirect:
    """A job's progress page (``/subsidies/jobs/<id>/``, shared by every app's jobs)."""
    return HttpResponseRedirect(reverse("subsidies-job-page", args=[job.pk]))
