"""The admin app with the qzgov admin site (its own module: ``apps.core.apps`` keeps one
AppConfig)."""

from django.contrib.admin.apps import AdminConfig


class QzAdminConfig(AdminConfig):
    """``django.contrib.admin`` with the admin site of ``apps.core.login`` (second factor,
    lockout page, one session per user; issue 11 §5)."""

    default_site = "apps.core.login.QzAdminSite"
