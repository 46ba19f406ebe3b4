# Work in progress: being written in this session.
from django.views.generic import TemplateView



class OrganisationReviewListView(TemplateView):
    template_name = 'home.html'


class OrganisationReviewView(TemplateView):
    template_name = 'home.html'
