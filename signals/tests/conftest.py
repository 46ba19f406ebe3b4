import pytest

from .factories import RoutingRuleFactory, SignalHandlerOrganisationFactory


@pytest.fixture
def signaalpunt(db):
    """The approved signal-handling organisation the default routing rule sends everything to,
    with one active opvolger (``signaalpunt.memberships``): routing needs someone to work there."""
    organisation = SignalHandlerOrganisationFactory(name="Signaalpunt Westland", opvolgers=1)
    RoutingRuleFactory(organisation=organisation, is_default=True)
    return organisation
