from django.urls import path, register_converter

from .views import officer, open_data, partner, public

app_name = "coalition"


class InvitationTokenConverter:
    """An invitation token as ``secrets.token_urlsafe`` makes it: anything else is a 404,
    never a database query (PostgreSQL refuses a null byte in a text parameter)."""

    regex = "[-A-Za-z0-9_]{1,64}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(InvitationTokenConverter, "invitation_token")

urlpatterns = [
    # Public: the social map and the partner list.
    path("activiteiten/", public.InitiativeListView.as_view(), name="initiative_list"),
    path("activiteiten/<int:pk>/", public.InitiativeDetailView.as_view(), name="initiative_detail"),
    path("partners/", public.PartnerListView.as_view(), name="partner_list"),
    path("open-data/activiteiten.json", open_data.initiatives_hsds, name="open_data_initiatives"),
    # Partner area.
    path("coalitie/", partner.HomeView.as_view(), name="home"),
    path("coalitie/aanmelden/", partner.RegisterOrganisationView.as_view(), name="register"),
    path("coalitie/organisaties/<int:pk>/", partner.OrganisationDetailView.as_view(), name="organisation"),
    path(
        "coalitie/organisaties/<int:pk>/bewerken/", partner.OrganisationUpdateView.as_view(), name="organisation_edit"
    ),
    path("coalitie/organisaties/<int:pk>/uitnodigen/", partner.InviteView.as_view(), name="invite"),
    path(
        "coalitie/uitnodigingen/<int:pk>/intrekken/", partner.RevokeInvitationView.as_view(), name="revoke_invitation"
    ),
    path(
        "coalitie/uitnodiging/<invitation_token:token>/",
        partner.AcceptInvitationView.as_view(),
        name="accept_invitation",
    ),
    path("coalitie/leden/<int:pk>/rol/", partner.ChangeRoleView.as_view(), name="change_role"),
    path("coalitie/leden/<int:pk>/verwijderen/", partner.RemoveMemberView.as_view(), name="remove_member"),
    path(
        "coalitie/organisaties/<int:pk>/initiatieven/nieuw/",
        partner.InitiativeCreateView.as_view(),
        name="initiative_create",
    ),
    path("coalitie/initiatieven/<int:pk>/bewerken/", partner.InitiativeUpdateView.as_view(), name="initiative_edit"),
    path(
        "coalitie/initiatieven/<int:pk>/bereik/<int:year>/<int:quarter>/",
        partner.ReachReportView.as_view(),
        name="reach_report",
    ),
    # Officers admit and manage partners.
    path("coalitie/beoordelen/", officer.OrganisationReviewListView.as_view(), name="review_list"),
    path("coalitie/beoordelen/<int:pk>/", officer.OrganisationReviewView.as_view(), name="review"),
]
