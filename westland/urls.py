from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.shortcuts import redirect
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from . import views

# The admin has no login page of its own: it sends people to allauth, which asks
# for the second factor, so the admin is never reachable without MFA.
admin.site.login = secure_admin_login(admin.site.login)
# Nor a password change of its own: allauth's is rate limited and sends a security notice.
admin.site.password_change = lambda request, extra_context=None: redirect("account_change_password")
admin.site.site_header = _("Eén tegen eenzaamheid Westland – administration")
admin.site.site_title = _("Westland portal administration")

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("", include("coalition.urls")),
    path("signalen/", include("signals.urls")),
    path("signaal-doorgeven/", include("signals.urls_public")),
    path("", include("monitoring.urls")),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

handler400 = "westland.views.bad_request"
handler403 = "westland.views.permission_denied"
handler404 = "westland.views.page_not_found"
handler500 = "westland.views.server_error"
