"""Admin screens for 医保协议医师. Writes go through ``services``; rules live there.

Issue 9: county users see and pick only their county's records (scoped querysets and
autocompletes instead of raw-id widgets, which would print any record's name); decided
appeals, deductions, year closings and year scores show no change form or delete button
(``LockedAdminMixin``); corrections are new 扣分作废 / 申诉决定更正 records.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AutocompleteSelect
from django.db.models import Q
from django.shortcuts import redirect
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import smart_split, unescape_string_literal
from import_export.admin import ExportMixin
from simple_history.admin import SimpleHistoryAdmin

from apps.core import roles, uploads, workdays
from apps.core.admin_tools import (
    LockedAdminMixin,
    ReadOnlyAdminMixin,
    ReadOnlyTablesMixin,
    RegionScopedAdminMixin,
    ResidentIdAdminMixin,
)
from apps.core.import_admin import Preview, WholeFileImportMixin, dry_run, job_page
from apps.core.models import Region
from apps.core.paging import EstimatedChangeList, ManyChoicesFilter
from apps.core.worklist import WorklistFilter

from . import imports, selectors, services
from .models import (
    Agreement,
    AgreementEvent,
    Appeal,
    AppealCorrection,
    Consequence,
    ConsequenceEvent,
    CreditGrade,
    DeductionVoid,
    Doctor,
    Institution,
    InstitutionEvent,
    PointDeduction,
    RestoreApplication,
    ViolationItem,
    YearClosing,
    YearScore,
)
from .resources import DoctorExport
from .tasks import KIND_LABELS, preview_summary, start_check_job, start_import_job, summary

# The records whose change reaches a closed year's score (``YearScore.changed_by_ref``).
EVENT_ADMINS = {"appeal", "deductionvoid", "appealcorrection", "pointdeduction", "yearclosing"}

BANDS = {"0": ("0分", 0, 0), "1-5": ("1–5分", 1, 5), "6-8": ("6–8分(约谈)", 6, 8),
         "9-11": ("9–11分(暂停)", 9, 11), "12": ("12分及以上(解除)", 12, None)}


def _today():
    return timezone.localdate()


def may_read_notices(user) -> bool:
    """Doctors' notices (name, mobile, points) are for 医保, auditors and superusers (issue 9 §6)."""
    return bool(user.is_superuser or user.groups.filter(name__in=["医保", roles.AUDITOR]).exists())


def scoped_institutions(user):
    """The institutions a staff user may see: those of the user's county, or all."""
    region = roles.user_region(user)
    qs = Institution.objects.all()
    return qs if region is None else qs.filter(region=region)


def scoped_doctors(user):
    """The doctors a staff user may see: those with an agreement in the user's county."""
    region = roles.user_region(user)
    qs = Doctor.objects.all()
    return qs if region is None else qs.filter(agreements__institution__region=region).distinct()


def scoped_choices(model, user):
    """Choices for a foreign key to ``model`` within the user's county (None: unscoped)."""
    region = roles.user_region(user)
    if model is Institution:
        return scoped_institutions(user)
    if model is Doctor:
        return scoped_doctors(user)
    if region is None:
        return None
    if model in (Agreement, PointDeduction):
        return model.objects.filter(institution__region=region)
    if model is Appeal:
        return model.objects.filter(deduction__institution__region=region)
    if model is Consequence:
        return model.objects.filter(doctor__agreements__institution__region=region).distinct()
    return None


class ScopedChoicesMixin:
    """Institution, doctor, agreement, deduction and consequence choices (dropdowns and
    raw-ID fields) limited to the user's county, so a county user never sees or picks
    another county's records (DOMAIN §0)."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        choices = scoped_choices(db_field.related_model, request.user)
        if choices is not None:
            kwargs["queryset"] = choices
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ScopeMixin(ScopedChoicesMixin, RegionScopedAdminMixin):
    """Region scope for lists, exports, form choices and (through core) history pages."""


def _once_each(queryset, **lookup):
    """``queryset`` rows matching ``lookup`` across a many-valued path, each once: a semi-join
    (``pk IN (…)``) instead of a join with ``DISTINCT``, which would compute every row's
    annotations and sort the whole table before the page is cut (issue 13 §1)."""
    return queryset.filter(pk__in=queryset.model._default_manager.filter(**lookup).values("pk"))


class DistinctScopeMixin(ScopeMixin):
    """Region scope through a many-valued path (a doctor may practise in two regions): each
    record once, by a semi-join; a city-level user's list is not filtered at all."""

    def get_queryset(self, request):
        region = roles.user_region(request.user)
        unscoped = super(RegionScopedAdminMixin, self).get_queryset(request)
        if region is None:
            return unscoped
        return _once_each(unscoped, **{self.region_lookup: region})


class InstitutionFilter(ManyChoicesFilter, admin.SimpleListFilter):
    """Institutions offered only within the user's scope; ``path`` leads to the institution."""

    title = "定点医疗机构"
    parameter_name = "institution"
    path = "agreements__institution"

    def lookups(self, request, model_admin):
        return [(i.pk, i.name) for i in scoped_institutions(request.user)]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        if "__" not in self.path:  # the record's own institution: one row each, no DISTINCT
            return queryset.filter(**{self.path: self.value()})
        return _once_each(queryset, **{self.path: self.value()})


class DirectInstitutionFilter(InstitutionFilter):
    path = "institution"


class RegionFilter(admin.SimpleListFilter):
    title = "区划"
    parameter_name = "region"

    def lookups(self, request, model_admin):
        return [(r.pk, r.name) for r in Region.objects.exclude(code=None).exclude(kind=Region.Kind.CITY)]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        return _once_each(queryset, agreements__institution__region=self.value())


class StatusFilter(admin.SimpleListFilter):
    """Today's derived status of any of the doctor's agreements."""

    title = "协议状态(今日)"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return list(selectors.LABELS.items())

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        return selectors.doctors_with_status(queryset, status=self.value(), on=_today())


class KeySupervisionFilter(admin.SimpleListFilter):
    """Art. 23: grade C doctors are 重点监管对象, checked more often."""

    title = "医保信用"
    parameter_name = "credit"

    def lookups(self, request, model_admin):
        return [("C", "C级(重点监管)")]

    def queryset(self, request, queryset):
        if self.value() != "C":
            return queryset
        return queryset.filter(pk__in=selectors.key_supervision(Doctor.objects.all(), _today()).values("pk"))


class PointsBandFilter(admin.SimpleListFilter):
    title = "本年度扣分档次"
    parameter_name = "band"

    def lookups(self, request, model_admin):
        return [(k, v[0]) for k, v in BANDS.items()]

    def queryset(self, request, queryset):
        if self.value() not in BANDS:
            return queryset
        _, low, high = BANDS[self.value()]
        return selectors.doctors_in_band(queryset, year=_today().year, low=low, high=high)


class LoadedChoiceAutocomplete(AutocompleteSelect):
    """An autocomplete whose chosen object came with the row (``select_related``): its label
    is rendered without Django's one query per row (issue 12 §7). Any other value (a changed,
    re-displayed form) is looked up as usual."""

    chosen = None

    def optgroups(self, name, value, attr=None):
        chosen = self.chosen
        if chosen is None or {str(v) for v in value if v not in ("", None)} != {str(chosen.pk)}:
            return super().optgroups(name, value, attr)
        options = [] if self.is_required else [self.create_option(name, "", "", False, 0)]
        options.append(self.create_option(name, chosen.pk, self.choices.field.label_from_instance(chosen),
                                          {str(chosen.pk)}, len(options)))
        return [(None, options, 0)]


class AgreementRowForm(forms.ModelForm):
    """An agreement row of the doctor page: the institution already loaded labels its widget."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("institution")
        widget = getattr(field.widget, "widget", field.widget) if field else None
        if isinstance(widget, LoadedChoiceAutocomplete) and self.instance.institution_id:
            widget.chosen = self.instance.institution


class AgreementInline(ScopedChoicesMixin, admin.TabularInline):
    model = Agreement
    form = AgreementRowForm
    fk_name = "doctor"
    extra = 0
    fields = ["institution", "start", "end", "accepted_at", "status_today"]
    readonly_fields = ["status_today"]
    autocomplete_fields = ["institution"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "institution":
            kwargs["widget"] = LoadedChoiceAutocomplete(db_field, self.admin_site,
                                                        using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_queryset(self, request):
        # Every row's status from rows fetched once for the page (issue 12 §7).
        return (super().get_queryset(request).select_related("doctor", "institution")
                .prefetch_related(*selectors.AGREEMENT_STATE_PREFETCH))

    @admin.display(description="今日状态")
    def status_today(self, obj):
        if not obj.pk:
            return ""
        state = selectors.agreement_state(obj, _today())
        return f"{state.label}:{state.reason}"


class DoctorChangeList(EstimatedChangeList):
    """The doctors list with points, grade and today's status fetched for the whole page
    (``selectors.doctors_for_list``): a fixed number of queries (issue 12 §7)."""

    def get_queryset(self, request, exclude_parameters=None):
        return selectors.doctors_for_list(super().get_queryset(request, exclude_parameters), _today())


@admin.register(Doctor)
class DoctorAdmin(ResidentIdAdminMixin, DistinctScopeMixin, WholeFileImportMixin, ExportMixin,
                  SimpleHistoryAdmin):
    region_lookup = "agreements__institution__region"
    resource_classes = [DoctorExport]
    list_display = ["name", "masked_resident_id", "certificate_number", "qualification",
                    "points_this_year", "status_today", "credit_today"]
    list_filter = [InstitutionFilter, RegionFilter, StatusFilter, PointsBandFilter, KeySupervisionFilter,
                   "qualification"]
    search_fields = ["name", "certificate_number"]
    # Indexed sorts only (issue 13 §1): (name, id) and the unique certificate number.
    sortable_by = ["name", "certificate_number"]
    fields = ["name", "resident_id", "certificate_number", "qualification", "phone"]
    inlines = [AgreementInline]
    change_form_template = "doctors/doctor_change_form.html"
    change_list_template = "doctors/doctor_change_list.html"

    def get_changelist(self, request, **kwargs):
        return DoctorChangeList

    @admin.display(description="本年度扣分")
    def points_this_year(self, obj):
        if hasattr(obj, "points_year"):
            return obj.points_year
        return selectors.year_points(doctor=obj, year=_today().year)

    @admin.display(description="医保信用等级")
    def credit_today(self, obj):
        grade = obj.grade_today if hasattr(obj, "grade_today") else selectors.credit_grade(obj, _today())
        return CreditGrade.Grade(grade).label if grade else "—"

    @admin.display(description="今日协议状态")
    def status_today(self, obj):
        if hasattr(obj, "agreements_today"):
            return ",".join(f"{a.institution.name}:{selectors.LABELS[a.status]}"
                            for a in obj.agreements_today) or "无协议"
        today = _today()
        return ",".join(f"{a.institution.name}:{selectors.agreement_state(a, today).label}"
                        for a in selectors.current_agreements(obj, today)) or "无协议"

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        doctor = self.get_object(request, object_id)
        if doctor is not None:
            today = _today()
            extra_context.update({
                "standing": selectors.doctor_standing(doctor=doctor, on=today),
                "agreement_rows": selectors.agreement_rows(doctor, today),
                "timeline": selectors.timeline(doctor),
                "pending_appeals": selectors.pending_appeals(doctor).select_related("deduction__item"),
                "doctor_notices": (selectors.doctor_notices(doctor, topic=services.TOPIC)
                                   if may_read_notices(request.user) else []),
            })
        return super().change_view(request, object_id, form_url, extra_context)

    # The one import screen (issue 14 §4): preview = ``imports.import_file`` rolled back,
    # confirm = ``imports.import_file``; ``upload/`` (POST kind + file) imports at once.
    import_upload_path = "upload/"
    import_note = ("扣分记录、申诉可在最后加一列“案件编号”(可选):同一医师、机构、条款和违规日期的两次违规,"
                   "须各有自己的案件编号才分别扣分(第十七至二十条“每次”计扣)。")

    def import_kinds(self):
        return [(kind, label, imports.HEADERS[kind]) for kind, label in KIND_LABELS.items()]

    def import_preview(self, request, *, kind, data, filename, options):
        counts = dry_run(imports.import_file, kind=kind, data=data, filename=filename,
                         actor=request.user)
        return Preview(summary=preview_summary(counts), unchanged=counts.get("unchanged", 0),
                       created=sum(v for k, v in counts.items() if k != "unchanged"))

    def import_confirm(self, request, *, kind, data, filename, options):
        """The import; a large file (issue 11 §3) is imported in the worker, followed on the
        job page (which lists every bad row)."""
        if uploads.validate_in_worker(data, filename):
            return job_page(start_import_job(kind=kind, data=data, filename=filename,
                                             user=request.user))
        counts = imports.import_file(kind=kind, data=data, filename=filename, actor=request.user)
        messages.success(request, summary(counts))
        return redirect("admin:doctors_doctor_changelist")

    def import_direct_large(self, request, *, kind, data, filename, options):
        return None  # ``upload/``: ``import_confirm`` imports a large file in the worker

    def import_large(self, request, *, kind, token, data, filename, options):
        """A large file's preview runs in the worker (as for subsidies, issue 14 §4): its job
        page leads to the same preview/confirm screen."""
        return job_page(start_check_job(
            kind=kind, token=token, filename=filename, user=request.user,
            preview_view=f"admin:{self.opts.app_label}_{self.opts.model_name}_import_checked"))

    def get_export_resource_classes(self, request):
        return [DoctorExport]


# Agreements listed on an institution's page; the agreements list has the rest.
STANDING_ROWS = 200


class InstitutionEventInline(admin.TabularInline):
    model = InstitutionEvent
    extra = 0
    fields = ["kind", "effective_date", "reason", "recorded_by"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        # The recorder and institution of every row come with the page (issue 12 §7).
        return super().get_queryset(request).select_related("institution", "recorded_by")


@admin.register(Institution)
class InstitutionAdmin(ReadOnlyTablesMixin, ScopeMixin, SimpleHistoryAdmin):
    list_display = ["code", "name", "region", "agreement_start", "agreement_end", "state_today"]
    list_filter = ["region"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["organisation"]
    inlines = [InstitutionEventInline]
    # Its agreements with each doctor's year points (art. 16) and status today (arts. 14,
    # 21–23): a table of the first STANDING_ROWS, the rest in the agreements list (issue 13 §1).
    readonly_tables = [("standing_table", Agreement)]
    list_select_related = ["region"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("events")

    def standing_table(self, request, obj):
        today = _today()
        agreements = obj.agreements.order_by("doctor_id", "start")
        rows = list(selectors.agreements_for_page(agreements, today)[:STANDING_ROWS + 1])
        more = None
        if len(rows) > STANDING_ROWS:
            rows = rows[:STANDING_ROWS]
            more = (reverse("admin:doctors_agreement_changelist") + f"?institution={obj.pk}",
                    f"仅列出前{STANDING_ROWS}份,查看该机构的全部服务协议")

        def status(agreement):
            state = selectors.agreement_state(agreement, today)
            return f"{state.label}:{state.reason}"

        return self.model_table("服务协议(今日)", rows, [
            "doctor", "start", "end", ("本年度扣分", lambda a: a.points_year),
            ("今日状态", status)], more=more)

    @admin.display(description="今日定点协议")
    def state_today(self, obj):
        return selectors.LABELS[selectors.institution_state(obj, _today())]


@admin.register(InstitutionEvent)
class InstitutionEventAdmin(ScopeMixin, SimpleHistoryAdmin):
    region_lookup = "institution__region"
    list_display = ["institution", "kind", "effective_date", "reason"]
    list_filter = ["kind"]
    fields = ["institution", "kind", "effective_date", "reason"]
    autocomplete_fields = ["institution"]

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        saved = services.institution_event_record(
            institution=obj.institution, kind=obj.kind, effective_date=obj.effective_date,
            reason=obj.reason, recorded_by=request.user, actor=request.user)
        obj.pk = saved.pk


class AgreementForm(forms.ModelForm):
    class Meta:
        model = Agreement
        fields = ["doctor", "institution", "start", "end", "accepted_at", "renewed_from"]

    def clean(self):
        data = super().clean()
        doctor, start = data.get("doctor"), data.get("start")
        if self.instance.pk is None and doctor and start:
            services.agreement_check(doctor=doctor, start=start, end=data.get("end"))
        return data


@admin.register(Agreement)
class AgreementAdmin(ScopeMixin, SimpleHistoryAdmin):
    region_lookup = "institution__region"
    list_display = ["doctor", "institution", "start", "end", "accepted_at"]
    list_filter = ["institution__region", DirectInstitutionFilter]
    search_fields = ["doctor__name", "doctor__certificate_number", "institution__name"]
    autocomplete_fields = ["doctor", "institution", "renewed_from"]
    form = AgreementForm
    # The unique (doctor, institution, start) key, not the doctors' names (issue 13 §1).
    ordering = ["doctor_id", "institution_id", "start"]

    def get_search_results(self, request, queryset, search_term):
        """Each word in 姓名 or 执业证号 (the doctors' trigram indexes, then the agreements'
        doctor index) or in 机构名称 (then the institution index): a semi-join per word, not a
        ``LIKE`` over every agreement joined to its doctor and institution (issue 13 §1)."""
        for word in smart_split(search_term):
            if word.startswith(("\"", "'")) and word[0] == word[-1]:
                word = unescape_string_literal(word)
            doctors = Doctor.objects.filter(Q(name__icontains=word) | Q(certificate_number__icontains=word))
            institutions = Institution.objects.filter(name__icontains=word)
            matches = (Agreement.objects.filter(doctor__in=doctors.values("pk")).order_by().values("pk")
                       .union(Agreement.objects.filter(institution__in=institutions.values("pk"))
                              .order_by().values("pk")))
            queryset = queryset.filter(pk__in=matches)
        return queryset, False

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        saved = services.agreement_create(doctor=obj.doctor, institution=obj.institution,
                                          start=obj.start, end=obj.end, accepted_at=obj.accepted_at,
                                          actor=request.user)
        obj.pk = saved.pk


@admin.register(AgreementEvent)
class AgreementEventAdmin(ScopeMixin, SimpleHistoryAdmin):
    region_lookup = "agreement__institution__region"
    list_display = ["agreement", "kind", "effective_date_shown", "reason"]
    list_filter = ["kind"]
    autocomplete_fields = ["agreement"]
    readonly_fields = ["provisional"]

    @admin.display(description="生效日期", ordering="effective_date")
    def effective_date_shown(self, obj):
        return workdays.label(obj.effective_date, obj.provisional)


@admin.register(ViolationItem)
class ViolationItemAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ["code", "points", "text"]
    list_filter = ["points", "article"]
    search_fields = ["code", "text"]


class DeductionForm(forms.ModelForm):
    class Meta:
        model = PointDeduction
        fields = ["doctor", "institution", "item", "violation_date", "notice_date", "case_number",
                  "channel", "note"]

    def clean(self):
        """The service's own checks (``services.deduction_check``): art. 29, art. 2 (within an
        agreement period there) and arts. 17–20 (a possible duplicate needs case numbers)."""
        data = super().clean()
        if self.instance.pk is not None:
            return data
        if data.get("violation_date"):
            services.in_force_check(data["violation_date"])
        doctor, institution = data.get("doctor"), data.get("institution")
        if doctor and institution and data.get("violation_date"):
            services.deduction_check(doctor=doctor, institution=institution, item=data.get("item"),
                                     violation_date=data["violation_date"],
                                     notice_date=data.get("notice_date"),
                                     case_number=data.get("case_number", ""))
        return data


@admin.register(PointDeduction)
class PointDeductionAdmin(LockedAdminMixin, ScopeMixin, SimpleHistoryAdmin):
    """New deductions go through ``deduction_record`` (notices, consequences); corrections
    go through an appeal or a 扣分作废 record, so recorded deductions are read-only here."""

    region_lookup = "institution__region"
    form = DeductionForm
    list_display = ["doctor", "institution", "item", "points", "violation_date", "notice_date",
                    "case_number", "appeal_until", "channel", "appeal_state"]
    # 通知日期 as a filter (today / 7 days / month / year ranges on the indexed column): a
    # date hierarchy would read every row for its SELECT DISTINCT of years (issue 13 §1).
    list_filter = ["institution__region", DirectInstitutionFilter, "item__points", "channel",
                   "notice_date"]
    search_fields = ["doctor__name", "doctor__certificate_number", "case_number"]
    autocomplete_fields = ["doctor", "institution", "item"]
    # A million deductions: the indexed order and date sorts only (issue 13 §1).
    sortable_by = ["violation_date", "notice_date"]

    def get_search_results(self, request, queryset, search_term):
        """姓名 or 执业证号 through the doctors (their trigram indexes, then the deductions'
        doctor index) or the 案件编号 exactly (its index): one ``LIKE`` over a million joined
        deductions took seconds (issue 13 §1)."""
        term = search_term.strip()
        if not term:
            return queryset, False
        doctors = Doctor.objects.filter(Q(name__icontains=term) | Q(certificate_number__icontains=term))
        matches = (PointDeduction.objects.filter(doctor__in=doctors.values("pk")).order_by().values("pk")
                   .union(PointDeduction.objects.filter(case_number=term).order_by().values("pk")))
        return queryset.filter(pk__in=matches), False

    def get_readonly_fields(self, request, obj=None):
        if obj is not None:
            return [*DeductionForm.Meta.fields, "points", "appeal_until", "recorded_by"]
        return []

    @admin.display(description="申诉期限")
    def appeal_until(self, obj):
        """Art. 27: the 10th working day after the notice, “(暂定)” on a provisional year."""
        return str(services.appeal_due(obj.notice_date)) if obj.notice_date else ""

    list_select_related = ["doctor", "institution", "item", "void"]

    def get_queryset(self, request):
        # The appeal of every row comes with the list (issue 12 §7).
        return super().get_queryset(request).prefetch_related("appeals")

    @admin.display(description="申诉/作废")
    def appeal_state(self, obj):
        if getattr(obj, "void", None) is not None:
            return "已作废"
        appeal = next(iter(obj.appeals.all()), None)  # at most one per deduction
        return appeal.get_decision_display() if appeal else ""

    def save_model(self, request, obj, form, change):
        if change:
            return
        saved = services.deduction_record(
            doctor=obj.doctor, institution=obj.institution, item=obj.item,
            violation_date=obj.violation_date, notice_date=obj.notice_date, channel=obj.channel,
            note=obj.note, case_number=obj.case_number, recorded_by=request.user,
            actor=request.user)
        obj.pk = saved.pk

    def has_delete_permission(self, request, obj=None):
        return False


class ConsequenceEventInline(admin.TabularInline):
    """变更记录 (issue 14 §2): every change of the consequence, appended; read-only here."""

    model = ConsequenceEvent
    extra = 0
    can_delete = False
    fields = ["kind", "effective_date", "months", "end_date", "ban_years", "ban_until", "on", "reason",
              "recorded_by", "recorded_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        # Each row's label and recorder come with the page (issue 12 §7).
        return super().get_queryset(request).select_related("consequence__doctor", "recorded_by")


class ConsequenceForm(forms.ModelForm):
    class Meta:
        model = Consequence
        fields = ["effective_date", "months", "ban_years", "adjusted_reason", "interview_held_on"]

    def clean(self):
        data = super().clean()
        c = self.instance
        changed = {k for k in ("effective_date", "months", "ban_years") if k in self.changed_data}
        if changed:
            services.consequence_adjust_check(
                consequence=c, reason=data.get("adjusted_reason", ""),
                months=data.get("months") if "months" in changed else None,
                ban_years=data.get("ban_years") if "ban_years" in changed else None,
                effective_date=data.get("effective_date") if "effective_date" in changed else None)
        return data


@admin.register(Consequence)
class ConsequenceAdmin(DistinctScopeMixin, SimpleHistoryAdmin):
    """Consequences are derived; staff adjust length, ban or a later date, with a reason.
    A consequence reaches every agreement of the doctor, so each county where the doctor
    practises sees it (whichever county's deduction triggered it)."""

    region_lookup = "doctor__agreements__institution__region"
    form = ConsequenceForm
    inlines = [ConsequenceEventInline]

    def get_inline_instances(self, request, obj=None):
        # The change record is shown, never submitted: a POST (an adjustment) validates no
        # formset for it, so the adjustment form keeps its fields (issue 14 §2).
        return [] if request.method == "POST" else super().get_inline_instances(request, obj)
    list_display = ["doctor", "year", "kind", "rule", "effective_date", "end_date", "restore_window",
                    "ban_until", "outcome", "revoked_on"]
    list_filter = [WorklistFilter, "kind", "rule", "year", ("revoked_on", admin.EmptyFieldListFilter)]
    search_fields = ["doctor__name", "doctor__certificate_number"]
    readonly_fields = ["doctor", "year", "kind", "rule", "trigger", "points_at_trigger", "end_date",
                       "restore_window", "ban_until", "outcome", "outcome_date", "revoked_on",
                       "revoked_reason"]

    @admin.display(description="恢复申请期间")
    def restore_window(self, obj):
        """Art. 22: the 7 working days before the suspension ends, “(暂定)” when provisional."""
        return selectors.window_text(obj) or "—"

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        changed = {k for k in ("effective_date", "months", "ban_years") if k in form.changed_data}
        if changed:
            original = Consequence.objects.get(pk=obj.pk)
            services.consequence_adjust(
                consequence=original, reason=obj.adjusted_reason, by=request.user,
                months=obj.months if "months" in changed else None,
                ban_years=obj.ban_years if "ban_years" in changed else None,
                effective_date=obj.effective_date if "effective_date" in changed else None)
        if "interview_held_on" in form.changed_data:
            services.interview_record(consequence=Consequence.objects.get(pk=obj.pk),
                                      held_on=obj.interview_held_on, actor=request.user)


class RestoreForm(forms.ModelForm):
    class Meta:
        model = RestoreApplication
        fields = ["consequence", "institution", "applied_on", "commitment"]

    def clean(self):
        data = super().clean()
        if data.get("consequence") and data.get("applied_on"):
            services.restore_check(consequence=data["consequence"], applied_on=data["applied_on"],
                                   commitment=data.get("commitment") is not False)
        return data


@admin.register(RestoreApplication)
class RestoreApplicationAdmin(ScopeMixin, SimpleHistoryAdmin):
    region_lookup = "institution__region"
    form = RestoreForm
    list_display = ["consequence", "institution", "applied_on", "commitment"]
    autocomplete_fields = ["consequence", "institution"]

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        saved = services.restore_apply(consequence=obj.consequence, applied_on=obj.applied_on,
                                       institution=obj.institution, commitment=obj.commitment,
                                       recorded_by=request.user, actor=request.user)
        obj.pk = saved.pk


class AppealForm(forms.ModelForm):
    class Meta:
        model = Appeal
        fields = ["deduction", "filed_on", "decision", "decided_on", "decision_note"]

    def clean(self):
        data = super().clean()
        decision = data.get("decision")
        if self.instance.pk is None and data.get("deduction") and data.get("filed_on"):
            services.appeal_check(deduction=data["deduction"], filed_on=data["filed_on"])
        if (self.instance.pk is None and decision not in (None, Appeal.Decision.PENDING)) or (
                self.instance.pk is not None and "decision" in self.changed_data):
            # ``self.instance.decision`` is still the recorded one while the form is cleaned.
            services.appeal_decide_check(appeal=self.instance, decision=decision,
                                         decided_on=data.get("decided_on"))
        return data


@admin.register(Appeal)
class AppealAdmin(LockedAdminMixin, ScopeMixin, SimpleHistoryAdmin):
    """A decided appeal is locked (no change form, no delete button); a mistake is corrected
    by a 申诉决定更正 record, which recomputes the consequences."""

    region_lookup = "deduction__institution__region"
    form = AppealForm
    list_display = ["deduction", "filed_on", "decision_due_shown", "decision", "decided_on", "overdue"]
    list_filter = [WorklistFilter, "decision", "decision_due_provisional"]
    search_fields = ["deduction__doctor__name", "deduction__doctor__certificate_number"]
    autocomplete_fields = ["deduction"]
    readonly_fields = ["decision_due_shown"]

    @admin.display(description="决定期限", ordering="decision_due")
    def decision_due_shown(self, obj):
        """Art. 27: 30 working days after receipt, “(暂定)” while a year it runs through has
        no official holiday schedule (recomputed when 市府办 enter it)."""
        if not obj.decision_due:
            return "—"
        return workdays.label(obj.decision_due, obj.decision_due_provisional)

    @admin.display(description="逾期", boolean=True)
    def overdue(self, obj):
        return obj.decision == Appeal.Decision.PENDING and obj.decision_due < _today()

    def save_model(self, request, obj, form, change):
        decision, decided_on, note = obj.decision, obj.decided_on, obj.decision_note
        if change:
            appeal = Appeal.objects.get(pk=obj.pk)
        else:
            appeal = services.appeal_file(deduction=obj.deduction, filed_on=obj.filed_on,
                                          recorded_by=request.user, actor=request.user)
            obj.pk, obj.decision_due = appeal.pk, appeal.decision_due
        if decision != Appeal.Decision.PENDING and appeal.decision == Appeal.Decision.PENDING:
            services.appeal_decide(appeal=appeal, decision=decision, decided_on=decided_on,
                                   note=note, decided_by=request.user, actor=request.user)


@admin.register(CreditGrade)
class CreditGradeAdmin(DistinctScopeMixin, SimpleHistoryAdmin):
    """City-wide (art. 23): county users read their doctors' grades; AuthorityBackend and the
    model guard keep them from writing."""

    region_lookup = "doctor__agreements__institution__region"
    list_display = ["doctor", "grade", "effective_date", "source"]
    list_filter = ["grade"]
    autocomplete_fields = ["doctor"]

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        saved = services.credit_grade_set(doctor=obj.doctor, grade=obj.grade,
                                          effective_date=obj.effective_date, source=obj.source,
                                          recorded_by=request.user, actor=request.user)
        obj.pk = saved.pk


class VoidForm(forms.ModelForm):
    class Meta:
        model = DeductionVoid
        fields = ["deduction", "voided_on", "reason"]

    def clean(self):
        data = super().clean()
        if data.get("deduction") is not None:
            services.deduction_void_check(deduction=data["deduction"], reason=data.get("reason"))
        return data


@admin.register(DeductionVoid)
class DeductionVoidAdmin(LockedAdminMixin, ScopeMixin, SimpleHistoryAdmin):
    """扣分作废: a new record with a reason; the consequences and the year score follow."""

    region_lookup = "deduction__institution__region"
    form = VoidForm
    list_display = ["deduction", "voided_on", "reason", "recorded_by", "recorded_at"]
    list_select_related = ["deduction__doctor", "deduction__item", "recorded_by"]
    search_fields = ["deduction__doctor__name", "deduction__doctor__certificate_number"]
    autocomplete_fields = ["deduction"]

    def save_model(self, request, obj, form, change):
        saved = services.deduction_void(deduction=obj.deduction, reason=obj.reason,
                                        voided_on=obj.voided_on, actor=request.user)
        obj.pk = saved.pk


class CorrectionForm(forms.ModelForm):
    class Meta:
        model = AppealCorrection
        fields = ["appeal", "new_decision", "corrected_on", "reason"]

    def clean(self):
        data = super().clean()
        if data.get("appeal") is not None and data.get("new_decision"):
            services.appeal_correct_check(appeal=data["appeal"], decision=data["new_decision"],
                                          reason=data.get("reason"))
        return data


@admin.register(AppealCorrection)
class AppealCorrectionAdmin(LockedAdminMixin, ScopeMixin, SimpleHistoryAdmin):
    """申诉决定更正: the only way to change a decided appeal (issue 9 §4)."""

    region_lookup = "appeal__deduction__institution__region"
    form = CorrectionForm
    list_display = ["appeal", "old_decision", "new_decision", "corrected_on", "reason", "recorded_by"]
    list_select_related = ["appeal__deduction__doctor", "appeal__deduction__item", "recorded_by"]
    autocomplete_fields = ["appeal"]

    def save_model(self, request, obj, form, change):
        saved = services.appeal_correct(appeal=obj.appeal, decision=obj.new_decision,
                                        reason=obj.reason, corrected_on=obj.corrected_on,
                                        actor=request.user)
        obj.pk = saved.pk


@admin.register(YearScore)
class YearScoreAdmin(LockedAdminMixin, DistinctScopeMixin, SimpleHistoryAdmin):
    """A closed year's score (art. 16): the current value, derived from the deductions in
    force, and the event that last changed it (year end, appeal, void, correction, late
    deduction) with a link to that record and the time."""

    region_lookup = "doctor__agreements__institution__region"
    list_display = ["doctor", "year", "points_deducted", "changed_by", "changed_at", "closed_at"]
    list_filter = ["year"]
    readonly_fields = ["changed_by"]

    @admin.display(description="最近变更事由")
    def changed_by(self, obj):
        text = obj.changed_by_event or "—"
        label, _, pk = (obj.changed_by_ref or "").partition(":")
        if label in EVENT_ADMINS and pk.isdigit():
            try:
                url = reverse(f"admin:doctors_{label}_change", args=[pk])
            except NoReverseMatch:
                return text
            return format_html('<a href="{}" class="year-score-event">{}</a>', url, text)
        return text

    def has_add_permission(self, request):
        return False


@admin.register(YearClosing)
class YearClosingAdmin(LockedAdminMixin, SimpleHistoryAdmin):
    list_display = ["year", "closed_at", "summary"]

    def has_add_permission(self, request):
        return False
