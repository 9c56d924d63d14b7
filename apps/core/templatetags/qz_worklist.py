"""``{% worklist as todo %}``: the 今日待办 lines of the admin index (issue 12 §2)."""

from django import template

from apps.core import worklist as rules

register = template.Library()


@register.simple_tag(takes_context=True)
def worklist(context) -> dict:
    """``active``: the lines with something waiting; ``idle``: how many other items apply to
    the user with nothing waiting today."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"active": [], "idle": 0}
    found = rules.lines(user)
    active = [line for line in found if line.count]
    return {"active": active, "idle": len(found) - len(active)}
