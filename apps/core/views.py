from . import roles
from .api import api_view


@api_view()
def whoami(request):
    """Who the API sees: for integrators checking their token."""
    region = roles.user_region(request.user)
    return {
        "username": request.user.get_username(),
        "groups": sorted(request.user.groups.values_list("name", flat=True)),
        "region": region.code if region else None,
    }
