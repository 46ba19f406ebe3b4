from functools import lru_cache

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import gettext_lazy as _

from coalition import permissions

NAV_NAMES = [
    "home",
    "coalition:initiative_list",
    "coalition:partner_list",
    "monitoring:progress",
    "coalition:home",
    "signals:queue",
    "coalition:review_list",
    "monitoring:dashboard",
    "admin:index",
    "mfa_index",
]


@lru_cache(maxsize=16)
def _addresses(urlconf: str, script_prefix: str) -> dict[str, str]:
    # The same on every request for a URLconf and prefix: ten reverse() calls a page were
    # a third of what a cached page (the warm dashboard) spends beyond a trivial view.
    return {name: reverse(name, urlconf=urlconf) for name in NAV_NAMES}


def portal(request):
    """Navigation by role, so that the header shows each person what they may use."""
    user = getattr(request, "user", None)
    address = _addresses(get_urlconf() or settings.ROOT_URLCONF, get_script_prefix())
    items = [
        (address["home"], _("Home")),
        (address["coalition:initiative_list"], _("Activities")),
        (address["coalition:partner_list"], _("Partners")),
        (address["monitoring:progress"], _("Progress")),
    ]
    if user is not None and user.is_authenticated:
        items.append((address["coalition:home"], _("Partner area")))
        if permissions.may_file_signals(user):
            items.append((address["signals:queue"], _("Signals")))
        if permissions.is_officer(user):
            items.append((address["coalition:review_list"], _("Admit partners")))
            items.append((address["monitoring:dashboard"], _("Monitor")))
        if permissions.is_administrator(user):
            items.append((address["admin:index"], _("Administration")))
        items.append((address["mfa_index"], _("Account security")))
    # The item whose address is the longest prefix of this page is the current one.
    matches = [url for url, _label in items if request.path == url or (url != "/" and request.path.startswith(url))]
    current = max(matches, key=len, default=None)
    nav = [{"url": url, "label": label, "current": url == current} for url, label in items]
    return {"portal_nav": nav}
