"""Grants admin (衢政办发〔2020〕16号): items with today's status, history and export; staff
events (恢复/到期) are added here and recorded by ``services.record_event`` (thin)."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.utils import timezone
from import_export.admin import ExportMixin
from simple_history.admin import SimpleHistoryAdmin

from apps.core.admin_tools import PrintedStandardAdminMixin

from . import selectors, services
from .models import EventKind, GrantItem, GrantItemEvent, Status
from .resources import GrantItemResource


class EventInline(admin.TabularInline):
    model = GrantItemEvent
    fields = ["on", "kind", "basis", "recorded_by", "recorded_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("item")  # one query, not one a row


@admin.register(GrantItem)
class GrantItemAdmin(PrintedStandardAdminMixin, ExportMixin, SimpleHistoryAdmin):
    resource_classes = [GrantItemResource]
    list_display = ["key", "group", "title", "valid_until", "status_today"]
    list_filter = ["group", "document", "valid_until"]
    search_fields = ["key", "title", "text"]
    readonly_fields = ["document", "key", "group", "position", "source_article"]
    inlines = [EventInline]

    def get_queryset(self, request):
        # status_today reads the item's events: one prefetch for the page, not a query a row
        return super().get_queryset(request).prefetch_related("events")

    @admin.display(description="今日状态")
    def status_today(self, obj):
        return Status(selectors.status_on(obj, timezone.localdate())).label


class StaffEventForm(forms.ModelForm):
    kind = forms.ChoiceField(label="事件", choices=[(EventKind.RESUME, "恢复"), (EventKind.EXPIRE, "到期")])

    class Meta:
        model = GrantItemEvent
        fields = ["item", "kind", "on", "basis"]

    def clean(self):
        data = super().clean()
        if all(data.get(name) for name in ("item", "kind", "on")):
            try:
                services.check_event(item=data["item"], kind=data["kind"], on=data["on"],
                                     basis=data.get("basis") or "")
            except services.EventRefused as exc:
                raise forms.ValidationError(str(exc)) from exc
        return data


@admin.register(GrantItemEvent)
class GrantItemEventAdmin(SimpleHistoryAdmin):
    form = StaffEventForm
    list_display = ["item", "on", "kind", "basis", "recorded_by"]
    list_filter = ["kind", "item__group", "on"]
    search_fields = ["item__key", "item__title", "basis"]
    list_select_related = ["item"]

    def get_readonly_fields(self, request, obj=None):
        # Events are never edited (issue 9 §4): a later event changes the status.
        return ["item", "kind", "on", "basis", "recorded_by", "recorded_at"] if obj else []

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        if change:
            return
        event = services.record_event(item=obj.item, kind=obj.kind, on=obj.on, basis=obj.basis,
                                      actor=request.user)
        obj.pk = event.pk
