from allauth.mfa import admin as allauth_mfa_admin
from allauth.mfa.models import Authenticator
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportModelAdmin

from common.admin import ReadOnlyHistoryInline, SpreadsheetImportExportMixin

from . import services
from .models import (
    AgeGroup,
    Domain,
    Initiative,
    InitiativeChange,
    Kern,
    Membership,
    Organisation,
    OrganisationEvent,
    ReachCount,
    ReachReport,
    User,
)
from .resources import InitiativeResource, OrganisationResource, ReachReportResource


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "is_officer", "is_staff", "is_active", "date_joined"]
    list_filter = ["is_officer", "is_staff", "is_superuser", "is_active"]
    search_fields = ["email", "full_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Personal details"), {"fields": ["full_name"]}),
        (_("Global roles"), {"fields": ["is_officer", "is_staff", "is_superuser", "is_active"]}),
        (_("Permissions"), {"fields": ["groups", "user_permissions"], "classes": ["collapse"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


class OrganisationEventInline(ReadOnlyHistoryInline):
    model = OrganisationEvent
    fields = ["created_at", "actor", "from_status", "to_status", "note", "changes", "notified_at"]


@admin.register(Organisation)
class OrganisationAdmin(SpreadsheetImportExportMixin, ImportExportModelAdmin):
    resource_classes = [OrganisationResource]
    list_display = ["name", "domain", "status", "is_signal_handler", "is_demo"]
    list_filter = ["status", "domain", "is_signal_handler", "is_demo"]
    list_select_related = ["domain"]
    search_fields = ["name", "kvk_number"]
    filter_horizontal = ["kernen"]
    # Status and the Signaalpunt role change through an officer's decision
    # (services.decide_organisation / set_signal_handler), never by editing the row.
    readonly_fields = ["status", "is_signal_handler", "decision", "reminded_at", "created_at", "updated_at"]
    inlines = [MembershipInline, OrganisationEventInline]

    @admin.display(description=_("approval"))
    def decision(self, obj):
        if obj is None or obj.pk is None:
            return gettext("A new organisation starts as pending; an officer decides in the partner area.")
        return format_html(
            '<a href="{}">{}</a>', reverse("coalition:review", args=[obj.pk]), gettext("Decide in the partner area")
        )

    def save_model(self, request, obj, form, change):
        # As the partner area: the service saves the details and writes the history.
        services.save_organisation(
            user=request.user,
            data=form.cleaned_data,
            organisation=obj,
            note="" if change else gettext("Added in the admin"),
            cleaned=True,
        )

    def save_related(self, request, form, formsets, change):
        # The villages are saved by the service with the organisation; only the inlines here.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "role"]
    list_filter = ["role"]
    list_select_related = ["user", "organisation"]
    search_fields = ["user__email", "organisation__name"]
    autocomplete_fields = ["user", "organisation"]


@admin.register(Domain, Kern, AgeGroup)
class ReferenceAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "position", "is_active"]
    list_editable = ["position", "is_active"]
    search_fields = ["name", "code"]


class InitiativeChangeInline(ReadOnlyHistoryInline):
    model = InitiativeChange


@admin.register(Initiative)
class InitiativeAdmin(SpreadsheetImportExportMixin, ImportExportModelAdmin):
    resource_classes = [InitiativeResource]
    list_display = [
        "title",
        "organisation",
        "kind",
        "frequency",
        "status",
        "accepts_referrals",
        "updated_at",
        "is_demo",
    ]
    list_filter = [
        "status",
        "kind",
        "frequency",
        "accepts_referrals",
        "is_online",
        "is_free",
        "age_groups",
        "kernen",
        "organisation__domain",
        "is_demo",
    ]
    list_select_related = ["organisation"]
    search_fields = ["title", "organisation__name", "contact_name"]
    autocomplete_fields = ["organisation"]
    filter_horizontal = ["age_groups", "kernen"]
    readonly_fields = ["created_at", "updated_at"]
    date_hierarchy = "updated_at"
    inlines = [InitiativeChangeInline]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)

        class InitiativeAdminForm(form):
            def clean(self):
                cleaned = super().clean()
                stored = {} if self.instance.pk is None else {"organisation": self.instance.organisation_id}
                error = services.initiative_organisation_error(cleaned.get("organisation"), stored)
                if error is not None:
                    self.add_error(None, error)
                return cleaned

        return InitiativeAdminForm

    def save_model(self, request, obj, form, change):
        # As the partner area: the service saves the initiative, its villages and age
        # groups, and writes the history.
        services.save_initiative(user=request.user, data=form.cleaned_data, initiative=obj, cleaned=True)

    def save_related(self, request, form, formsets, change):
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)


class ReachCountInline(admin.TabularInline):
    model = ReachCount
    extra = 0


@admin.register(ReachReport)
class ReachReportAdmin(SpreadsheetImportExportMixin, ImportExportModelAdmin):
    resource_classes = [ReachReportResource]
    list_display = [
        "initiative",
        "organisation",
        "year",
        "quarter",
        *ReachReport.FIGURES,
        "is_demo",
    ]
    list_filter = ["year", "quarter", "initiative__organisation__domain", "is_demo"]
    list_select_related = ["initiative__organisation"]
    search_fields = ["initiative__title", "initiative__organisation__name"]
    autocomplete_fields = ["initiative"]
    readonly_fields = ["reported_by", "created_at", "updated_at"]
    inlines = [ReachCountInline]

    @admin.display(description=_("organisation"), ordering="initiative__organisation__name")
    def organisation(self, obj):
        return obj.initiative.organisation

    def save_model(self, request, obj, form, change):
        obj.reported_by = request.user
        super().save_model(request, obj, form, change)


# allauth's own admin for authenticators shows their data: the (encrypted) TOTP secret and
# recovery seed. A beheerder needs to see that someone has a second factor, and to remove
# one for a person who lost their phone; never the secret itself.
admin.site.unregister(Authenticator)


@admin.register(Authenticator)
class AuthenticatorAdmin(allauth_mfa_admin.AuthenticatorAdmin):
    exclude = ("data",)
    readonly_fields = ("user", "type", "created_at", "last_used_at")

    def has_add_permission(self, request):
        return False
