from django.urls import path

from .views import filer, handler, provider

app_name = "signals"

urlpatterns = [
    # By role: a filer's own signals, an opvolger's queue, or both.
    path("", filer.QueueView.as_view(), name="queue"),
    # Frontline staff file a signal.
    path("nieuw/", filer.SignalCreateView.as_view(), name="new"),
    path("<int:pk>/ontvangen/", filer.ReceiptView.as_view(), name="receipt"),
    # The Signaalpunt follows it up.
    path("behandelen/", handler.HandlerQueueView.as_view(), name="handler_queue"),
    path("<int:pk>/", handler.SignalDetailView.as_view(), name="detail"),
    path("<int:pk>/oppakken/", handler.TakeView.as_view(), name="take"),
    path("<int:pk>/toewijzen/", handler.AssignView.as_view(), name="assign"),
    path("<int:pk>/contact/", handler.LogContactView.as_view(), name="log_contact"),
    path("<int:pk>/doorverwijzen/", handler.ReferView.as_view(), name="refer"),
    path("<int:pk>/afsluiten/", handler.CloseView.as_view(), name="close"),
    path("<int:pk>/heropenen/", handler.ReopenView.as_view(), name="reopen"),
    path("<int:pk>/wissen/", handler.EraseView.as_view(), name="erase"),
    path("<int:pk>/inzage/", handler.ExportView.as_view(), name="export"),
    # Providers see referrals to their initiatives.
    path("doorverwijzingen/", provider.ReferralListView.as_view(), name="referrals"),
    path("doorverwijzingen/<int:pk>/", provider.ReferralDetailView.as_view(), name="referral"),
]
