"""One frame for every staff page (issue 12 §1).

Staff pages outside the admin's model screens (the run page, the registry search, the person
page, the roster …) render inside the admin frame: ``render`` adds the admin context
(site header, user tools, the sidebar) and the breadcrumbs. Each app declares its pages on
its AppConfig as ``staff_pages`` — ``(url name, label, permission)`` — and the admin index
and the sidebar list the pages the user's permissions allow (``pages_for``), so a new page
is linked everywhere by one line next to the app's ``role_access``.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps as django_apps
from django.contrib import admin
from django.shortcuts import render as django_render
from django.urls import NoReverseMatch, reverse


@dataclass(frozen=True)
class StaffPage:
    url_name: str
    label: str
    permission: str

    @property
    def url(self) -> str:
        return reverse(self.url_name)


def declared_pages() -> list[StaffPage]:
    """Every staff page declared by an app (``AppConfig.staff_pages``), in app order."""
    pages = []
    for config in django_apps.get_app_configs():
        for url_name, label, permission in getattr(config, "staff_pages", ()):
            pages.append(StaffPage(url_name, label, permission))
    return pages


def pages_for(user) -> list[dict]:
    """[{"label", "url"}] of the staff pages ``user`` may open (its permissions), in app order."""
    if user is None or not user.is_authenticated or not user.is_active or not user.is_staff:
        return []
    result = []
    for page in declared_pages():
        if not user.has_perm(page.permission):
            continue
        try:
            result.append({"label": page.label, "url": page.url, "name": page.url_name})
        except NoReverseMatch:  # an app declared a page whose URLs are not installed
            continue
    return result


def render(request, template: str, context: dict, *, crumbs: list[tuple[str, str | None]] = (),
           status: int | None = None):
    """Render a staff page inside the admin frame: ``admin.site.each_context`` (header, user
    tools, sidebar) plus ``crumbs`` — [(label, url)] between 首页 and the page's title."""
    return django_render(request, template, {
        **admin.site.each_context(request), "crumbs": list(crumbs), **context}, status=status)
