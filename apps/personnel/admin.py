"""Personnel admin: notices and items (import/export), probation flags for HR, duty division."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import admin
from django.contrib.admin.views.main import ChangeList
from django.db.models import Count
from django.forms.models import BaseInlineFormSet
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from import_export.admin import ExportMixin
from simple_history.admin import SimpleHistoryAdmin

from apps.core.admin_tools import LockedAdminMixin, OneQueryChoicesMixin, ReadOnlyAdminMixin
from apps.core.import_admin import ServiceImportMixin
from apps.core.void_admin import (
    NoDeleteActionMixin,
    ReasonActionForm,
    VoidedFilter,
    run_void_action,
)
from apps.core.worklist import WorklistFilter

from . import imports, services
from .models import (
    AppointmentItem,
    AppointmentItemVoid,
    AppointmentNotice,
    DutyAssignment,
    DutyDivision,
    DutyOffice,
    Office,
    ProbationFlag,
)
from .resources import AppointmentItemResource
from .tasks import start_check_job, start_import_job


class ItemInlineForm(forms.ModelForm):
    """One row of the notice page: no probation on a removal (the double removal is checked
    for the whole formset, see ``ItemInlineFormSet``)."""

    class Meta:
        model = AppointmentItem
        fields = ["order", "person_name", "person", "action", "kind", "organisation", "title",
                  "probation_months", "election_confirmation"]

    def clean(self):
        data = super().clean()
        services.item_terms_check(order=data.get("order"), action=data.get("action"),
                                  probation_months=data.get("probation_months"))
        return data


class ItemInlineFormSet(BaseInlineFormSet):
    """Items entered on the notice page go through the same rule as the gazette and the
    import (``services.items_check``): removing twice from the same post is an error,
    also between two rows of the same form."""

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        required = ("order", "person", "action", "kind", "organisation", "title")
        candidates = []
        for form in self.forms:
            if form.instance.pk is not None:
                continue  # recorded items are read-only here (issue 9 §4): checked as stored
            data = getattr(form, "cleaned_data", None) or {}
            if not data or data.get("DELETE") or any(data.get(k) in (None, "") for k in required):
                continue
            candidates.append(services.Candidate(
                data["order"], data["person"], data["action"], data["kind"],
                data["organisation"], data["title"]))
        services.items_check(notice=self.instance, candidates=candidates)


class ItemInline(admin.TabularInline):
    """New items may be added here; recorded items are shown read-only and never deleted
    (issue 9 §4): they are voided or corrected on the 任免事项 screen."""

    model = AppointmentItem
    form = ItemInlineForm
    formset = ItemInlineFormSet
    fields = ["order", "person_name", "person", "action", "kind", "organisation", "title",
              "probation_months", "probation_until", "election_confirmation"]
    readonly_fields = ["probation_until"]
    autocomplete_fields = ["person", "organisation"]
    extra = 0
    can_delete = False

    def get_queryset(self, request):
        # Recorded rows show person and unit read-only: read with the rows (issue 12 §7).
        return super().get_queryset(request).select_related(
            "notice", "organisation", "person").prefetch_related("person__keys__organisation")

    def has_change_permission(self, request, obj=None):
        return False


class NoticeForm(forms.ModelForm):
    """The number is stored in its normalised 〔〕 form; a text that is no number is refused."""

    class Meta:
        model = AppointmentNotice
        fields = ["number", "title", "issuing_body", "date", "public"]

    def clean_number(self):
        from apps.core.docnumbers import DocumentNumber, InvalidDocumentNumber

        try:
            return str(DocumentNumber.parse(self.cleaned_data["number"]))
        except InvalidDocumentNumber as exc:
            raise forms.ValidationError(str(exc)) from exc


@admin.register(AppointmentNotice)
class AppointmentNoticeAdmin(SimpleHistoryAdmin):
    form = NoticeForm
    list_display = ["number", "title", "issuing_body", "date", "public", "items_count"]
    list_filter = ["year", "issuing_body"]
    search_fields = ["number", "title", "items__person_name"]
    readonly_fields = ["issuer_code", "year", "serial", "source_article"]
    inlines = [ItemInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_items=Count("items"))

    @admin.display(description="事项数", ordering="n_items")
    def items_count(self, obj):
        return obj.n_items

    def save_model(self, request, obj, form, change):
        from apps.core.docnumbers import DocumentNumber

        parts = DocumentNumber.parse(obj.number)
        obj.number, obj.issuer_code, obj.year, obj.serial = (
            str(parts), parts.issuer, parts.year, parts.serial)
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        """Inline items get their printed name and probation end like every other item."""
        if formset.model is not AppointmentItem:
            return super().save_formset(request, form, formset, change)
        for item in formset.save(commit=False):
            services.item_fill(item).save()
        for item in formset.deleted_objects:
            item.delete()  # refused by the model guard: items are voided, not deleted
        formset.save_m2m()
        services.notice_probations_refresh(notice=form.instance, actor=request.user)


class ProbationSoonFilter(admin.SimpleListFilter):
    title = "试用期"
    parameter_name = "probation"

    def lookups(self, request, model_admin):
        return [("soon", "30天内期满"), ("running", "试用期内"), ("any", "有试用期")]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "soon":
            return queryset.filter(probation_until__gte=today,
                                   probation_until__lte=today + dt.timedelta(days=30))
        if self.value() == "running":
            return queryset.filter(probation_until__gte=today)
        if self.value() == "any":
            return queryset.exclude(probation_until=None)
        return queryset


class AppointmentItemForm(forms.ModelForm):
    """The same rules as the import, from the services: no probation on a removal
    (``item_terms_check``), no second removal (``check_item``)."""

    class Meta:
        model = AppointmentItem
        fields = ["notice", "order", "person", "person_name", "action", "kind", "organisation",
                  "title", "probation_months", "election_confirmation", "election_text", "text"]

    def clean(self):
        data = super().clean()
        required = ("notice", "person", "action", "kind", "organisation", "title", "order")
        if any(data.get(k) in (None, "") for k in required):
            return data
        services.item_terms_check(order=data["order"], action=data["action"],
                                  probation_months=data.get("probation_months"),
                                  number=data["notice"].number)
        exclude = {self.instance.pk} if self.instance.pk else set()
        services.check_item(notice=data["notice"], order=data["order"], person=data["person"],
                            action=data["action"], kind=data["kind"],
                            organisation=data["organisation"], title=data["title"],
                            exclude=exclude)
        return data


@admin.register(AppointmentItem)
class AppointmentItemAdmin(LockedAdminMixin, NoDeleteActionMixin, ServiceImportMixin, ExportMixin,
                           SimpleHistoryAdmin):
    """New items are added here; a recorded item is never edited or deleted, only voided
    with a reason (the action below) or corrected by ``services.item_correct`` (issue 9 §4).
    导入: ``imports.import_file``, checked whole; 导出: ``AppointmentItemResource``."""

    resource_classes = [AppointmentItemResource]
    import_module, import_kind = imports, "items"
    start_job, start_check = start_import_job, start_check_job
    import_note = ("任免填“任”或“免去”,类别填“职务”或“职级”;同一文号各行的标题、发文机关、成文日期须一致。"
                   "“试用期满”由成文日期和试用期(月)推算,导入时不读取;已登记的任免事项不能由文件修改。")
    form = AppointmentItemForm
    list_display = ["notice", "order", "person_link", "action", "kind", "organisation", "title",
                    "probation_until", "election_confirmation"]
    list_filter = [WorklistFilter, VoidedFilter, ProbationSoonFilter, "action", "kind", "election_confirmation",
                   "notice__year", "organisation"]
    action_form = ReasonActionForm
    actions = ["void_items"]

    @admin.action(description="作废所选任免事项(须填写原因)", permissions=["add"])
    def void_items(self, request, queryset):
        run_void_action(self, request, queryset,
                        lambda item, reason: services.item_void(item=item, reason=reason,
                                                                actor=request.user))
    search_fields = ["person_name", "title", "organisation__name", "notice__number"]
    list_select_related = ["notice", "organisation"]
    autocomplete_fields = ["person", "organisation"]
    readonly_fields = ["probation_until"]

    @admin.display(description="姓名", ordering="person_name")
    def person_link(self, obj):
        return format_html('<a href="{}">{}</a>', reverse("people:person", args=[obj.person_id]),
                           obj.person_name)

    def save_model(self, request, obj, form, change):
        services.item_fill(obj)
        super().save_model(request, obj, form, change)


@admin.register(AppointmentItemVoid)
class AppointmentItemVoidAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    """Voids and corrections are recorded by the 任免事项 action (services), read here."""

    list_display = ["item", "reason", "replacement", "actor_name", "voided_at"]
    list_select_related = ["item__notice", "item__person", "item__organisation",
                           "replacement__organisation"]
    search_fields = ["item__person_name", "item__notice__number", "reason"]


@admin.register(ProbationFlag)
class ProbationFlagAdmin(SimpleHistoryAdmin):
    """The HR list filled by the nightly job: probations ending within 30 days."""

    list_display = ["person", "post", "probation_until", "flagged_on", "notice_number"]
    list_filter = ["probation_until", "flagged_on"]
    search_fields = ["item__person_name", "item__title"]
    list_select_related = ["item__notice", "item__organisation"]
    readonly_fields = ["item", "flagged_on", "probation_until", "notice"]

    @admin.display(description="姓名")
    def person(self, obj):
        return obj.item.person_name

    @admin.display(description="职务")
    def post(self, obj):
        return obj.item.post_label

    @admin.display(description="任免文号")
    def notice_number(self, obj):
        return obj.item.notice.number

    def has_add_permission(self, request):
        return False


class DutyOfficeInline(OneQueryChoicesMixin, admin.TabularInline):
    model = DutyOffice
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("assignment", "office")


@admin.register(DutyAssignment)
class DutyAssignmentAdmin(SimpleHistoryAdmin):
    list_display = ["person_name", "titles_text", "offices_text", "division", "order"]
    list_select_related = ["division"]
    list_filter = ["division"]
    search_fields = ["person_name", "duties", "offices__office__name"]
    autocomplete_fields = ["person"]
    inlines = [DutyOfficeInline]

    @admin.display(description="职务")
    def titles_text(self, obj):
        return "、".join(obj.titles)

    @admin.display(description="分管/协助分管")
    def offices_text(self, obj):
        return "、".join(f"{link.get_relation_display()}{link.office.name}"
                        for link in obj.offices.all())

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("offices__office")


class AssignmentInline(admin.TabularInline):
    model = DutyAssignment
    fields = ["order", "person_name", "titles", "duties"]
    extra = 0
    show_change_link = True


@admin.register(DutyDivision)
class DutyDivisionAdmin(SimpleHistoryAdmin):
    list_display = ["number", "title", "date", "public"]
    inlines = [AssignmentInline]


@admin.register(Office)
class OfficeAdmin(SimpleHistoryAdmin):
    list_display = ["name", "leaders_text"]
    search_fields = ["name"]

    def get_changelist(self, request, **kwargs):
        return OfficeChangeList

    @admin.display(description="分管领导(现行分工)")
    def leaders_text(self, obj):
        from .selectors import office_leaders

        links = obj.current_leaders if hasattr(obj, "current_leaders") else office_leaders(office=obj.name)
        return "、".join(f"{link.assignment.person_name}({link.get_relation_display()})"
                        for link in links)


class OfficeChangeList(ChangeList):
    """Every row's leaders from one read of the current division (issue 12 §7)."""

    def get_results(self, request):
        from .selectors import leaders_by_office

        super().get_results(request)
        leaders = leaders_by_office([office.name for office in self.result_list])
        for office in self.result_list:
            office.current_leaders = leaders[office.name]
