# Work in progress: being written in this session.
from django.views.generic import TemplateView



class HomeView(TemplateView):
    template_name = 'home.html'


class RegisterOrganisationView(TemplateView):
    template_name = 'home.html'


class OrganisationDetailView(TemplateView):
    template_name = 'home.html'


class OrganisationUpdateView(TemplateView):
    template_name = 'home.html'


class InviteView(TemplateView):
    template_name = 'home.html'


class RevokeInvitationView(TemplateView):
    template_name = 'home.html'


class AcceptInvitationView(TemplateView):
    template_name = 'home.html'


class ChangeRoleView(TemplateView):
    template_name = 'home.html'


class RemoveMemberView(TemplateView):
    template_name = 'home.html'


class InitiativeCreateView(TemplateView):
    template_name = 'home.html'


class InitiativeUpdateView(TemplateView):
    template_name = 'home.html'


class ReachReportView(TemplateView):
    template_name = 'home.html'
