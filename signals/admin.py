"""Admin for the signal reference data and settings. Signals themselves hold residents'
personal data: only administrators (who have MFA) may read them here, and nobody edits
them outside the workflow."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from coalition import permissions

from .models import (
    ContactDetailsView,
    ObservedSign,
    Outcome,
    RoutingRule,
    Signal,
    SignalEvent,
    SignalSettings,
)
from .services import routes


@admin.register(ObservedSign, Outcome)
class ReferenceAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "position", "is_active"]
    list_editable = ["position", "is_active"]


@admin.register(RoutingRule)
class RoutingRuleAdmin(admin.ModelAdmin):
    list_display = ["__str__", "position", "kern", "age_group", "organisation", "is_default"]
    list_editable = ["position"]
    list_select_related = ["kern", "age_group", "organisation"]
    ordering = ["is_default", "position"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # A new or corrected route may be the one that signals waiting for a route need.
        routed = routes.route_waiting(note=_("Routed after a routing rule was saved"))
        if routed:
            self.message_user(
                request,
                ngettext(
                    "%(count)d signal that waited for a route now has one.",
                    "%(count)d signals that waited for a route now have one.",
                    routed,
                )
                % {"count": routed},
                messages.SUCCESS,
            )


@admin.register(SignalSettings)
class SignalSettingsAdmin(admin.ModelAdmin):
    list_display = ["__str__", "first_contact_working_days", "retention_days"]

    def has_add_permission(self, request):
        return not SignalSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyForAdministrators(admin.ModelAdmin):
    def has_view_permission(self, request, obj=None):
        return permissions.is_administrator(request.user)

    def has_module_permission(self, request):
        return permissions.is_administrator(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class SignalEventInline(admin.TabularInline):
    model = SignalEvent
    fields = ["created_at", "kind", "actor", "from_status", "to_status", "note"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Signal)
class SignalAdmin(ReadOnlyForAdministrators):
    list_display = ["number", "created_at", "source", "kern", "age_group", "status", "handling_organisation", "is_demo"]
    list_filter = [
        "status",
        ("handling_organisation", admin.EmptyFieldListFilter),
        "source",
        "kern",
        "age_group",
        "is_demo",
    ]
    list_select_related = ["kern", "age_group", "handling_organisation"]
    search_fields = ["number"]
    inlines = [SignalEventInline]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        from . import services

        signal = self.get_object(request, object_id)
        if signal is not None:
            services.record_contact_view(user=request.user, signal=signal, purpose="admin")
        return super().change_view(request, object_id, form_url, extra_context)


@admin.register(ContactDetailsView)
class ContactDetailsViewAdmin(ReadOnlyForAdministrators):
    list_display = ["viewed_at", "user", "signal", "purpose"]
    list_filter = ["purpose"]
    list_select_related = ["user", "signal"]
    date_hierarchy = "viewed_at"
