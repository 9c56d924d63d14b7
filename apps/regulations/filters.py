"""Search filters shared by the staff page and the API (django-filter)."""

from __future__ import annotations

import datetime as dt
import re

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from apps.core.docnumbers import CLOSE, OPEN, DocumentNumber, InvalidDocumentNumber
from apps.core.models import Organisation

from .models import CleanupCampaign, NormativeDocument, Status
from .selectors import documents_in_status


def number_query(text: str) -> Q:
    """A number in any bracket form, with or without spaces; a partial number matches
    as a fragment (“衢环发 2018” finds every 衢环发〔2018〕…)."""
    text = (text or "").strip()
    if not text:
        return Q()
    try:
        return Q(number=str(DocumentNumber.parse(text)))
    except InvalidDocumentNumber:
        pass
    fragment = re.sub(f"[{re.escape(OPEN)}{re.escape(CLOSE)}]", " ", text)
    parts = [p for p in re.split(r"[\s号]+", fragment) if p]
    query = Q()
    for part in parts:
        query &= Q(number__icontains=part)
    return query


class NumberSearchField(forms.CharField):
    """A number or a fragment of one; text with neither characters nor digits (“/”) is refused."""

    def clean(self, value):
        value = super().clean(value)
        if value and not re.search(r"[\u3400-\u9fff0-9]", value):
            try:
                DocumentNumber.parse(value)
            except InvalidDocumentNumber as exc:
                raise forms.ValidationError(str(exc)) from exc
        return value


class NumberSearchFilter(django_filters.CharFilter):
    field_class = NumberSearchField


class DocumentFilter(django_filters.FilterSet):
    number = NumberSearchFilter(label="文号", method="filter_number",
                                       help_text="任意括号写法,可含空格,如 衢环发[2020]66 号")
    q = django_filters.CharFilter(label="标题关键词", method="filter_title")
    # Issuers with a document: a semi-join probing the issuer index once per organisation,
    # not a DISTINCT over a join with every document (40 ms at 100,000, issue 13 §1).
    issuer = django_filters.ModelChoiceFilter(
        label="发文机关", queryset=Organisation.objects.filter(
            Exists(NormativeDocument.objects.filter(issuer=OuterRef("pk")))))
    campaign = django_filters.ModelChoiceFilter(
        label="清理工作", queryset=CleanupCampaign.objects.all(), method="filter_campaign")
    # A year the calendar has (year 0 used to reach the date lookup and raise a 500).
    year = django_filters.NumberFilter(label="年份", method="filter_year", min_value=1949,
                                       max_value=2199, decimal_places=0)
    status = django_filters.ChoiceFilter(label="状态", choices=Status.choices, method="filter_status")
    as_of = django_filters.DateFilter(label="状态日期", method="filter_noop",
                                      widget=forms.DateInput(attrs={"type": "date"}),
                                      help_text="查询该日的状态,默认今天")

    class Meta:
        model = NormativeDocument
        fields: list[str] = []

    @property
    def on(self) -> dt.date:
        data = getattr(self.form, "cleaned_data", None) or {}
        return data.get("as_of") or timezone.localdate()

    def filter_number(self, queryset, name, value):
        return queryset.filter(number_query(value))

    def filter_title(self, queryset, name, value):
        for word in value.split():
            queryset = queryset.filter(title__icontains=word)
        return queryset

    def filter_campaign(self, queryset, name, value):
        return queryset.filter(campaign_items__campaign=value).distinct()

    def filter_year(self, queryset, name, value):
        year = int(value)
        return queryset.filter(Q(number_year=year) | Q(number__isnull=True, date__year=year))

    def filter_status(self, queryset, name, value):
        return documents_in_status(queryset, status=value, on=self.on)

    def filter_noop(self, queryset, name, value):
        return queryset
