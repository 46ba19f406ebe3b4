from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from coalition import permissions


def portal(request):
    """Navigation by role, so that the header shows each person what they may use."""
    user = getattr(request, "user", None)
    items = [
        (reverse("home"), _("Home")),
        (reverse("coalition:initiative_list"), _("Activities")),
        (reverse("coalition:partner_list"), _("Partners")),
        (reverse("monitoring:progress"), _("Progress")),
    ]
    if user is not None and user.is_authenticated:
        items.append((reverse("coalition:home"), _("Partner area")))
        if permissions.may_file_signals(user):
            items.append((reverse("signals:queue"), _("Signals")))
        if permissions.is_officer(user):
            items.append((reverse("coalition:review_list"), _("Admit partners")))
            items.append((reverse("monitoring:dashboard"), _("Monitor")))
        if permissions.is_administrator(user):
            items.append((reverse("admin:index"), _("Administration")))
        items.append((reverse("mfa_index"), _("Account security")))
    # The item whose address is the longest prefix of this page is the current one.
    matches = [url for url, _label in items if request.path == url or (url != "/" and request.path.startswith(url))]
    current = max(matches, key=len, default=None)
    nav = [{"url": url, "label": label, "current": url == current} for url, label in items]
    return {"portal_nav": nav}
