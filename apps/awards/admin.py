"""Awards admin: decisions with count reconciliation, recipients (export by year/kind/unit),
people with merge/split of identities."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch
from django.forms.models import BaseInlineFormSet
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from import_export.admin import ExportMixin
from simple_history.admin import SimpleHistoryAdmin

from apps.core.admin_tools import LockedAdminMixin, OneQueryChoicesMixin, ReadOnlyAdminMixin
from apps.core.authority import AuthorityError
from apps.core.import_admin import ServiceImportMixin
from apps.core.void_admin import (
    CorrectionActionForm,
    NoDeleteActionMixin,
    VoidedFilter,
    error_text,
    run_void_action,
)

from . import imports, selectors, services
from .models import Decision, Person, PersonKey, Recipient, RecipientVoid, Section
from .resources import DecisionResource, RecipientResource
from .tasks import start_check_job, start_import_job


def _parent_choices(db_field, kwargs: dict) -> dict:
    """A section's 上级栏目 choices are labelled with their decision's number: read together."""
    if db_field.name == "parent" and "queryset" not in kwargs:
        kwargs["queryset"] = Section.objects.select_related("decision")
    return kwargs


class SectionInline(OneQueryChoicesMixin, admin.TabularInline):
    model = Section
    fields = ["order", "title", "parent", "award", "declared_count", "listed", "reconciled"]
    readonly_fields = ["listed", "reconciled"]
    extra = 0
    show_change_link = True

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        return super().formfield_for_foreignkey(db_field, request, **_parent_choices(db_field, kwargs))

    def get_queryset(self, request):
        # Counts for every row from one prefetch of the decision's sections (issue 12 §7).
        return super().get_queryset(request).select_related("decision").prefetch_related(
            Prefetch("decision__sections", queryset=selectors.counted_sections()))

    @admin.display(description="名单数量")
    def listed(self, obj):
        return selectors.section_listed_count(obj) if obj.pk else "—"

    @admin.display(description="核对", boolean=True)
    def reconciled(self, obj):
        if not obj.pk or obj.declared_count is None:
            return None
        return obj.declared_count == selectors.section_listed_count(obj)


class DecisionForm(forms.ModelForm):
    """The number is stored in its normalised 〔〕 form; a text that is no number is refused."""

    class Meta:
        model = Decision
        fields = ["number", "kind", "title", "issuing_body", "date", "basis", "public"]

    def clean_number(self):
        from apps.core.docnumbers import DocumentNumber, InvalidDocumentNumber

        try:
            return str(DocumentNumber.parse(self.cleaned_data["number"]))
        except InvalidDocumentNumber as exc:
            raise forms.ValidationError(str(exc)) from exc


@admin.register(Decision)
class DecisionAdmin(ServiceImportMixin, ExportMixin, SimpleHistoryAdmin):
    """导入: ``imports.import_file`` (decisions), checked whole; 导出: ``DecisionResource``."""

    resource_classes = [DecisionResource]
    import_module, import_kind = imports, "decisions"
    start_job, start_check = start_import_job, start_check_job
    import_note = "文种填“决定”或“通报”(空白为决定);公开发布填“是/否”或1/0。已有文号的决定按文件更新。"
    form = DecisionForm
    list_display = ["number", "title", "kind", "date", "public", "recipients_count",
                    "count_check"]
    list_filter = ["year", "kind", "public", "issuing_body"]
    search_fields = ["number", "title"]
    readonly_fields = ["issuer_code", "year", "serial", "count_report", "source_article"]
    inlines = [SectionInline]

    def get_queryset(self, request):
        # Counts and reconciliation from one prefetch for the whole page (issue 12 §7).
        return super().get_queryset(request).prefetch_related(
            Prefetch("sections", queryset=selectors.counted_sections()))

    @admin.display(description="受表彰数")
    def recipients_count(self, obj):
        return selectors.decision_listed_count(obj)

    @admin.display(description="数量核对", boolean=True)
    def count_check(self, obj):
        return all(line.matches for line in selectors.reconciliation(decision=obj))

    @admin.display(description="公布数量与名单核对")
    def count_report(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        lines = selectors.reconciliation(decision=obj)
        return format_html_join(
            "", "<div>{}</div>",
            ((f"{line.section.title}:公布 {line.declared if line.declared is not None else '未写明'},"
              f"名单 {line.listed}" + ("" if line.matches else " ⚠ 数量不符"),) for line in lines),
        )

    def save_model(self, request, obj, form, change):
        from apps.core.docnumbers import DocumentNumber

        parts = DocumentNumber.parse(obj.number)
        obj.number, obj.issuer_code, obj.year, obj.serial = (
            str(parts), parts.issuer, parts.year, parts.serial)
        super().save_model(request, obj, form, change)


class MismatchFilter(admin.SimpleListFilter):
    title = "数量核对"
    parameter_name = "reconciled"

    def lookups(self, request, model_admin):
        return [("no", "数量不符"), ("yes", "一致或未写明")]

    def queryset(self, request, queryset):
        if self.value() is None:
            return queryset
        bad = [line.section.pk for line in selectors.mismatched_sections()]
        return queryset.filter(pk__in=bad) if self.value() == "no" else queryset.exclude(pk__in=bad)


@admin.register(Section)
class SectionAdmin(SimpleHistoryAdmin):
    list_display = ["decision", "order", "title", "award", "declared_count", "listed",
                    "reconciled"]
    list_filter = [MismatchFilter, "award", "decision__year"]
    search_fields = ["title", "decision__number"]
    list_select_related = ["decision"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related(
            Prefetch("decision__sections", queryset=selectors.counted_sections()))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        return super().formfield_for_foreignkey(db_field, request, **_parent_choices(db_field, kwargs))

    @admin.display(description="名单数量")
    def listed(self, obj):
        return selectors.section_listed_count(obj)

    @admin.display(description="核对", boolean=True)
    def reconciled(self, obj):
        return None if obj.declared_count is None else (
            obj.declared_count == selectors.section_listed_count(obj))


@admin.register(Recipient)
class RecipientAdmin(LockedAdminMixin, NoDeleteActionMixin, ServiceImportMixin, ExportMixin,
                     SimpleHistoryAdmin):
    """Filter by year, kind and unit, then export (XLSX) the filtered list.

    A listed recipient is never edited or deleted (issue 9 §4): the actions void it with a
    reason, or correct it (a new recipient replaces it); both are audited."""

    resource_classes = [RecipientResource]
    import_module, import_kind = imports, "recipients"
    start_job, start_check = start_import_job, start_check_job
    import_note = ("请先导入表彰决定。个人须填写单位,集体不填;“成文日期”“单位规范名称”是导出列,"
                   "导入时不读取。已列入名单的同一人(同栏目、同姓名和单位)不重复导入。")
    list_display = ["text", "person_link", "unit_text", "organisation", "award", "decision",
                    "decision_date"]
    list_filter = [VoidedFilter, "section__decision__year", "section__award", "section__decision"]
    search_fields = ["text", "person_name", "unit_text", "organisation__name",
                     "organisation__aliases__name"]
    list_select_related = ["section__decision", "organisation", "person"]
    autocomplete_fields = ["person", "organisation"]
    raw_id_fields = ["section"]
    action_form = CorrectionActionForm
    actions = ["void_recipients", "correct_recipient"]

    @admin.action(description="作废所选受表彰对象(须填写原因)", permissions=["add"])
    def void_recipients(self, request, queryset):
        run_void_action(self, request, queryset,
                        lambda r, reason: services.recipient_void(recipient=r, reason=reason,
                                                                  actor=request.user))

    @admin.action(description="更正所选受表彰对象(填写原因和更正后的姓名、单位)",
                  permissions=["add"])
    def correct_recipient(self, request, queryset):
        name = (request.POST.get("new_name") or "").strip()
        unit = (request.POST.get("new_unit") or "").strip()
        if queryset.count() != 1 or not name:
            self.message_user(request, "更正一次只能选择一条记录,并填写更正后的姓名/集体",
                              messages.ERROR)
            return
        run_void_action(self, request, queryset,
                        lambda r, reason: services.recipient_correct(
                            recipient=r, reason=reason, name=name, unit=unit, actor=request.user),
                        verb="更正")

    @admin.display(description="奖励类别", ordering="section__award")
    def award(self, obj):
        return obj.section.get_award_display()

    @admin.display(description="文号", ordering="section__decision__number")
    def decision(self, obj):
        return obj.section.decision.number

    @admin.display(description="成文日期", ordering="section__decision__date")
    def decision_date(self, obj):
        return obj.section.decision.date

    @admin.display(description="人员")
    def person_link(self, obj):
        if not obj.person_id:
            return "—"
        return format_html('<a href="{}">{}</a>', reverse("people:person", args=[obj.person_id]),
                           obj.person.name)


class LabelledAutocompleteSelect(AutocompleteSelect):
    """An autocomplete whose selected option is labelled from ``labels`` (filled once per
    page by the formset) instead of one query per row (issue 12 §7); without a label it
    reads the database as Django's does."""

    labels: dict[str, str] = {}

    def optgroups(self, name, value, attr=None):
        selected = [str(v) for v in value if str(v) not in self.choices.field.empty_values]
        if not selected or any(v not in self.labels for v in selected):
            return super().optgroups(name, value, attr)
        options = []
        if not self.is_required and not self.allow_multiple_selected:
            options.append(self.create_option(name, "", "", False, 0))
        for v in selected:
            options.append(self.create_option(name, v, self.labels[v], True, len(options)))
        return [(None, options, 0)]


class PersonKeyFormSet(BaseInlineFormSet):
    """The keys' units, read with the keys (``select_related``), label every row's
    autocomplete: the page runs the same queries for 1 key and for 50."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        labels = {str(key.organisation_id): str(key.organisation)
                  for key in self.get_queryset() if key.organisation_id}
        for form in self.forms:
            widget = form.fields["organisation"].widget
            getattr(widget, "widget", widget).labels = labels


class PersonKeyInline(admin.TabularInline):
    model = PersonKey
    formset = PersonKeyFormSet
    extra = 0
    autocomplete_fields = ["organisation"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("organisation")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "organisation":
            kwargs["widget"] = LabelledAutocompleteSelect(db_field, self.admin_site,
                                                          using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Person)
class PersonAdmin(SimpleHistoryAdmin):
    list_display = ["name", "units", "honours_count", "record_link"]
    search_fields = ["name", "keys__organisation__name"]
    inlines = [PersonKeyInline]
    actions = ["merge_people", "split_by_unit"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(
            n_honours=Count("honours", distinct=True)).prefetch_related("keys__organisation")

    @admin.display(description="单位")
    def units(self, obj):
        return "、".join(str(k.organisation or "单位不详") for k in obj.keys.all())

    @admin.display(description="表彰次数", ordering="n_honours")
    def honours_count(self, obj):
        return obj.n_honours

    @admin.display(description="档案")
    def record_link(self, obj):
        return format_html('<a href="{}">查看档案</a>', reverse("people:person", args=[obj.pk]))

    @admin.action(description="合并所选人员为同一人(须同名)", permissions=["change"])
    def merge_people(self, request, queryset):
        """The rule (same name, two or more) is ``services.merge_check``'s."""
        people = list(queryset.order_by("pk"))
        try:
            services.merge_check(people=people)
            keep = people[0]
            for other in people[1:]:
                services.person_merge(keep=keep, merge=other, actor=request.user)
        except (ValidationError, AuthorityError) as exc:
            self.message_user(request, error_text(exc), messages.ERROR)
            return
        self.message_user(request, f"已将{len(people) - 1}条记录合并到人员#{keep.pk}")

    @admin.action(description="按单位拆分所选人员(每个单位一人)", permissions=["change"])
    def split_by_unit(self, request, queryset):
        created = 0
        try:
            for person in queryset:
                for key in list(person.keys.order_by("pk"))[1:]:
                    services.person_split_key(key=key, actor=request.user)
                    created += 1
        except (ValidationError, AuthorityError, ValueError) as exc:
            self.message_user(request, error_text(exc), messages.ERROR)
            return
        self.message_user(request, f"已拆分出{created}个人员")


@admin.register(RecipientVoid)
class RecipientVoidAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    """Voids and corrections are recorded by the 受表彰对象 actions (services), read here."""

    list_display = ["recipient", "reason", "replacement", "actor_name", "voided_at"]
    list_select_related = ["recipient", "replacement"]
    search_fields = ["recipient__text", "reason"]
