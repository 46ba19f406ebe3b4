from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from coalition import permissions


def portal(request):
    """Navigation by role, so that the header shows each person what they may use."""
    user = getattr(request, "user", None)
    items = [(reverse("home"), _("Home"))]
    if user is not None and user.is_authenticated:
        if permissions.is_administrator(user):
            items.append((reverse("admin:index"), _("Administration")))
        items.append((reverse("mfa_index"), _("Two-factor authentication")))
    current = request.path
    nav = [
        {"url": url, "label": label, "current": url == current or (url != "/" and current.startswith(url))}
        for url, label in items
    ]
    return {"portal_nav": nav}
