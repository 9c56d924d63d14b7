from ninja import Schema

from . import roles
from .api import ApiRouter

router = ApiRouter("core")


class WhoAmI(Schema):
    username: str
    groups: list[str]
    region: str | None  # the staff member's county code; None = city level


@router.get("whoami", response=WhoAmI, url_name="api-whoami")
def whoami(request):
    """Who the API sees: for integrators checking their token."""
    region = roles.user_region(request.user)
    return {
        "username": request.user.get_username(),
        "groups": sorted(request.user.groups.values_list("name", flat=True)),
        "region": region.code if region else None,
    }


@router.get("worklist", url_name="api-worklist")
def worklist(request):
    """GET /api/worklist — 今日待办 (issue 12 §2): the lines of the admin index for this user,
    every item that applies to them (count 0 included), one query per item. A token answers
    only for the apps in its scope."""
    from . import worklist as rules

    token = getattr(request, "api_token", None)
    on = rules.today()
    found = rules.lines(request.user, on=on, apps=(token.apps or []) if token is not None else None)
    return {"date": on.isoformat(), "items": [line.as_json() for line in found]}


def not_found(request, exception=None):
    """404: JSON under /api/ (integrators parse it), the admin-framed page elsewhere."""
    from django.views.defaults import page_not_found

    from .api import json_error

    if request.path.startswith("/api/"):
        return json_error("接口或记录不存在", 404)
    if not getattr(request, "user", None):  # middleware did not run: Django's plain page
        return page_not_found(request, exception)
    from . import frame

    return frame.render(request, "404.html", {"title": "页面不存在"}, status=404)


def permission_denied(request, exception=None):
    """403 in the admin frame (header, user tools, the sidebar to go on from)."""
    from django.views.defaults import permission_denied as plain

    if not getattr(request, "user", None):
        return plain(request, exception)
    from . import frame

    message = str(exception) if exception is not None and str(exception) else ""
    return frame.render(request, "403.html", {"title": "无权操作", "exception": message},
                        status=403)
