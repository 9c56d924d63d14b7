from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

# admin.site is apps.core.login.QzAdminSite (QzAdminConfig): its header and titles, and the
# login steps of issue 11 (second factor, lockout page, one session per user), live there.

urlpatterns = [
    path("", RedirectView.as_view(url="/admin/", permanent=False)),
    path("admin/", admin.site.urls),
    # Every /api/ endpoint, /api/openapi.json and /api/docs (django-ninja, issue 14 §6).
    path("api/", include("qzgov.api")),
    # Staff pages outside the admin (search pages, person pages, run pages).
    path("regulations/", include("apps.regulations.page_urls")),
    path("awards/", include("apps.awards.page_urls")),
    # People are not an awards concept (issue 14 §5): the person pages live in personnel,
    # at their first address.
    path("awards/people/", include("apps.personnel.people_urls")),
    path("personnel/", include("apps.personnel.page_urls")),
    path("doctors/", include("apps.doctors.page_urls")),
    path("subsidies/", include("apps.subsidies.page_urls")),
]

handler404 = "apps.core.views.not_found"
handler403 = "apps.core.views.permission_denied"
