from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

# admin.site is apps.core.login.QzAdminSite (QzAdminConfig): its header and titles, and the
# login steps of issue 11 (second factor, lockout page, one session per user), live there.

urlpatterns = [
    path("", RedirectView.as_view(url="/admin/", permanent=False)),
    path("admin/", admin.site.urls),
    path("api/", include("apps.core.urls")),
    path("api/awards/", include("apps.awards.urls")),
    path("api/personnel/", include("apps.personnel.urls")),
    path("api/regulations/", include("apps.regulations.urls")),
    path("api/doctors/", include("apps.doctors.urls")),
    path("api/subsidies/", include("apps.subsidies.urls")),
    path("api/land/", include("apps.land.urls")),
    path("api/ecology/", include("apps.ecology.urls")),
    path("api/grants/", include("apps.grants.urls")),
    path("api/tourism/", include("apps.tourism.urls")),
    # Staff pages outside the admin (search pages, person pages, run pages).
    path("regulations/", include("apps.regulations.page_urls")),
    path("awards/", include("apps.awards.page_urls")),
    path("personnel/", include("apps.personnel.page_urls")),
    path("doctors/", include("apps.doctors.page_urls")),
    path("subsidies/", include("apps.subsidies.page_urls")),
]

handler404 = "apps.core.views.not_found"
handler403 = "apps.core.views.permission_denied"
