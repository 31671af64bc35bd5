from django.urls import reverse

from .navigation import NAVIGATION
from .scoping import user_covers


def shell(request):
    """The navigation the user's roles allow, with the current entry marked."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    current = getattr(getattr(request, "resolver_match", None), "namespace", "")
    current_view = getattr(getattr(request, "resolver_match", None), "view_name", "")
    items = []
    for url_name, label, capability in NAVIGATION:
        if capability is None or user_covers(user, None, capability):
            namespace = url_name.split(":")[0]
            active = current_view == url_name or (namespace != "core" and current == namespace)
            items.append({"url": reverse(url_name), "label": label, "active": active})
    return {"nav_items": items}
