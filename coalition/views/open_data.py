"""Open data: the social map in the shape of Open Referral HSDS 3.0, without personal data.

The export holds what the public pages show and nothing else: partners' public contact
details and the contact each initiative publishes. HSDS identifiers are UUIDs; ours are
derived from the primary keys (uuid5), so they stay the same from one download to the next.

Mapping:
- Organisation → ``organizations`` (domain as an attribute from the taxonomy "domain").
- Initiative → ``services`` with ``schedules``, ``service_areas`` (villages), ``contacts``,
  ``phones``, ``cost_options`` and ``attributes`` (kind, age group).
- Address / online → ``locations`` (``physical`` / ``virtual``), linked through
  ``service_at_locations``.
- Kinds, age groups and domains → ``taxonomies`` and ``taxonomy_terms``.
"""

import uuid

from django.http import JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from .. import selectors
from ..constants import Frequency, InitiativeKind
from ..models import AgeGroup, Domain

HSDS_VERSION = "3.0"
# Namespace for the identifiers of this portal's records (uuid5 of the portal's name).
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://westland.nl/een-tegen-eenzaamheid")

# Only these two frequencies exist in HSDS schedules (RFC 5545 FREQ).
SCHEDULE_FREQ = {Frequency.WEEKLY: "WEEKLY", Frequency.MONTHLY: "MONTHLY"}


def _id(kind, *parts):
    return str(uuid.uuid5(NAMESPACE, ":".join([kind, *map(str, parts)])))


def _date(value):
    return value.isoformat() if value else None


def _taxonomies():
    return [
        {
            "id": _id("taxonomy", "kind"),
            "name": _("Kind of activity"),
            "description": _("What an activity of the social map offers."),
            "version": "1",
        },
        {
            "id": _id("taxonomy", "age_group"),
            "name": _("Age group"),
            "description": _("Age groups of the Westland coalition against loneliness."),
            "version": "1",
        },
        {
            "id": _id("taxonomy", "domain"),
            "name": _("Domain"),
            "description": _("The domain of society a partner organisation belongs to."),
            "version": "1",
        },
    ]


def _taxonomy_terms():
    terms = [
        {
            "id": _id("kind", value),
            "code": value,
            "name": str(label),
            "description": str(label),
            "parent_id": None,
            "taxonomy": "kind",
            "taxonomy_id": _id("taxonomy", "kind"),
            "language": get_language(),
        }
        for value, label in InitiativeKind.choices
    ]
    for group in AgeGroup.objects.active().order_by("position", "name"):
        terms.append(
            {
                "id": _id("age_group", group.code),
                "code": group.code,
                "name": group.name,
                "description": group.name,
                "parent_id": None,
                "taxonomy": "age_group",
                "taxonomy_id": _id("taxonomy", "age_group"),
                "language": get_language(),
            }
        )
    for domain in Domain.objects.active().order_by("position", "name"):
        terms.append(
            {
                "id": _id("domain", domain.code),
                "code": domain.code,
                "name": domain.name,
                "description": domain.examples or domain.name,
                "parent_id": None,
                "taxonomy": "domain",
                "taxonomy_id": _id("taxonomy", "domain"),
                "language": get_language(),
            }
        )
    return terms


def _attribute(link_entity, link_id, link_type, term_id, label):
    return {
        "id": _id("attribute", link_entity, link_id, term_id),
        "link_id": link_id,
        "link_type": link_type,
        "link_entity": link_entity,
        "taxonomy_term_id": term_id,
        "label": label,
    }


def _phone(owner, pk, number):
    return {"id": _id("phone", owner, pk), "number": number}


def _organization(organisation):
    org_id = _id("organization", organisation.pk)
    return {
        "id": org_id,
        "name": organisation.name,
        "description": organisation.description,
        "email": organisation.public_email or None,
        "website": organisation.website or None,
        "phones": [_phone("organization", organisation.pk, organisation.public_phone)]
        if organisation.public_phone
        else [],
        "attributes": [
            _attribute(
                "organization", org_id, "domain", _id("domain", organisation.domain.code), organisation.domain.name
            )
        ],
        "x_demo": organisation.is_demo,
    }


def _locations(initiative, org_id, kernen):
    """An initiative's address becomes a physical location, "online or by phone" a virtual one."""
    locations = []
    if initiative.address:
        location_id = _id("location", initiative.pk, "physical")
        locations.append(
            {
                "id": location_id,
                "location_type": "physical",
                "organization_id": org_id,
                "name": initiative.address,
                "description": initiative.title,
                # The address is stored as one line of text; the village is only known
                # for certain when the initiative names exactly one.
                "addresses": [
                    {
                        "id": _id("address", initiative.pk),
                        "location_id": location_id,
                        "address_1": initiative.address,
                        "city": kernen[0].name if len(kernen) == 1 else "Westland",
                        "state_province": "Zuid-Holland",
                        "postal_code": "",
                        "country": "NL",
                        "address_type": "physical",
                    }
                ],
                "accessibility": [
                    {
                        "id": _id("accessibility", initiative.pk),
                        "location_id": location_id,
                        "description": initiative.accessibility,
                    }
                ]
                if initiative.accessibility
                else [],
            }
        )
    if initiative.is_online:
        locations.append(
            {
                "id": _id("location", initiative.pk, "virtual"),
                "location_type": "virtual",
                "organization_id": org_id,
                "name": _("Online or by phone"),
                "description": initiative.title,
            }
        )
    return locations


def _schedule(initiative, service_id):
    schedule = {
        "id": _id("schedule", initiative.pk),
        "service_id": service_id,
        "description": initiative.schedule or str(initiative.get_frequency_display()),
        "valid_from": _date(initiative.start_date),
        "valid_to": _date(initiative.end_date),
        "notes": str(initiative.get_frequency_display()),
    }
    if initiative.frequency in SCHEDULE_FREQ:
        schedule["freq"] = SCHEDULE_FREQ[initiative.frequency]
        schedule["interval"] = 1
    elif initiative.frequency == Frequency.ONCE:
        schedule["count"] = 1
        schedule["dtstart"] = _date(initiative.start_date)
    return schedule


def _age_limits(age_groups):
    """The widest age range of the groups, when every group has a known bound."""
    minimum = [group.min_age for group in age_groups]
    maximum = [group.max_age for group in age_groups]
    return (
        min(minimum) if minimum and None not in minimum else None,
        max(maximum) if maximum and None not in maximum else None,
    )


def _service(initiative, org_id, url):
    service_id = _id("service", initiative.pk)
    kernen = list(initiative.kernen.all())
    age_groups = list(initiative.age_groups.all())
    minimum_age, maximum_age = _age_limits(age_groups)
    locations = _locations(initiative, org_id, kernen)
    if initiative.is_free:
        fees = _("Free of charge")
    elif initiative.cost is not None:
        fees = f"€ {initiative.cost}"
    else:
        fees = _("There is a charge: ask the contact person.")
    service = {
        "id": service_id,
        "organization_id": org_id,
        "name": initiative.title,
        "description": initiative.description,
        "url": url,
        "email": initiative.contact_email or None,
        "status": "active",
        "fees_description": fees,
        "eligibility_description": ", ".join(group.name for group in age_groups),
        "minimum_age": minimum_age,
        "maximum_age": maximum_age,
        "application_process": _("Accepts referrals from the Signaalpunt and other partners.")
        if initiative.accepts_referrals
        else _("Contact the contact person to join."),
        "assured_date": _date(timezone.localdate(initiative.updated_at)),
        "alert": _("Not updated in the past year") if initiative.is_stale else None,
        "phones": [_phone("service", initiative.pk, initiative.contact_phone)] if initiative.contact_phone else [],
        "contacts": [
            {
                "id": _id("contact", initiative.pk),
                "service_id": service_id,
                "name": initiative.contact_name,
                "email": initiative.contact_email or None,
                "phones": [_phone("contact", initiative.pk, initiative.contact_phone)]
                if initiative.contact_phone
                else [],
            }
        ],
        "schedules": [_schedule(initiative, service_id)],
        "service_areas": [
            {
                "id": _id("service_area", initiative.pk, kern.code),
                "service_id": service_id,
                "name": kern.name,
                "description": _("Village of the municipality of Westland"),
            }
            for kern in kernen
        ],
        "service_at_locations": [
            {
                "id": _id("service_at_location", initiative.pk, location["location_type"]),
                "service_id": service_id,
                "location_id": location["id"],
            }
            for location in locations
        ],
        "cost_options": [
            {
                "id": _id("cost_option", initiative.pk),
                "service_id": service_id,
                "amount": float(initiative.cost),
                "currency": "EUR",
            }
        ]
        if not initiative.is_free and initiative.cost is not None
        else [],
        "attributes": [
            _attribute("service", service_id, "kind", _id("kind", initiative.kind), str(initiative.get_kind_display())),
            *(
                _attribute("service", service_id, "age_group", _id("age_group", group.code), group.name)
                for group in age_groups
            ),
        ],
        "x_max_participants": initiative.max_participants,
        "x_accepts_referrals": initiative.accepts_referrals,
        "x_demo": initiative.is_demo,
    }
    return service, locations


@require_GET
def initiatives_hsds(request):
    organizations, services, locations = {}, [], []
    for initiative in selectors.open_data_initiatives():
        organisation = initiative.organisation
        org_id = _id("organization", organisation.pk)
        if org_id not in organizations:
            organizations[org_id] = _organization(organisation)
        url = request.build_absolute_uri(reverse("coalition:initiative_detail", args=[initiative.pk]))
        service, service_locations = _service(initiative, org_id, url)
        services.append(service)
        locations.extend(service_locations)
    data = {
        "hsds_version": HSDS_VERSION,
        "title": _("Social map of the coalition against loneliness, Westland"),
        "publisher": _("Municipality of Westland"),
        "generated_at": timezone.now().isoformat(timespec="seconds"),
        "notes": _(
            "Active initiatives of approved partners, in the shape of Open Referral HSDS 3.0. "
            "Fields starting with x_ are extensions of this portal. Records marked x_demo are fictitious."
        ),
        "organizations": list(organizations.values()),
        "services": services,
        "locations": locations,
        "taxonomies": _taxonomies(),
        "taxonomy_terms": _taxonomy_terms(),
    }
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 2})
    # Open data: anyone may read it, also from a script on another site.
    response["Access-Control-Allow-Origin"] = "*"
    return response
