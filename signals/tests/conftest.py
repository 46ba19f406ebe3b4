import pytest

from .factories import RoutingRuleFactory, SignalHandlerOrganisationFactory


@pytest.fixture
def signaalpunt(db):
    """The approved signal-handling organisation the default routing rule sends everything to."""
    organisation = SignalHandlerOrganisationFactory(name="Signaalpunt Westland")
    RoutingRuleFactory(organisation=organisation, is_default=True)
    return organisation
