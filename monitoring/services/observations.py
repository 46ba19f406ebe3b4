"""Observations entered and corrected by officers (the form, the admin, the spreadsheet
import) and computed by survey imports: each saved through :func:`save_observation` or,
for a survey, :func:`record_observation_change`, so every change is in its history under
one rule: a correction writes a row only when something changed; a new observation
always writes one with every field."""

from __future__ import annotations

from django.db import transaction

from common import history

from ..models import Observation, ObservationChange

# What an officer enters (the form, the import); the history also shows the rest.
EDITABLE_FIELDS = ["target", "year", "kern", "value", "ci_low", "ci_high", "respondents", "left_out", "source", "note"]
HISTORY_FIELDS = [*EDITABLE_FIELDS, "is_demo", "survey"]


def snapshot_observation(observation: Observation) -> dict:
    """The fields an officer sees, as readable values (a target's title, a village's name)."""
    data = {}
    for name in HISTORY_FIELDS:
        model_field = Observation._meta.get_field(name)
        if model_field.is_relation:
            related = getattr(observation, name)
            data[name] = None if related is None else str(related)
        else:
            value = getattr(observation, name)
            data[name] = value if isinstance(value, bool | int | type(None)) else str(value)
    return data


def record_observation_change(observation: Observation, before: dict, user) -> dict:
    """Append what changed since ``before`` to the observation's history; a new one records every field."""
    changes = history.to_record(before, snapshot_observation(observation))
    if changes is not None:
        ObservationChange.objects.create(observation=observation, changed_by=user, changes=changes)
    return changes or {}


def remove_demo_duplicates(observation: Observation) -> int:
    """A real measurement replaces demo data of the same target, year and village."""
    if observation.is_demo:
        return 0
    duplicates = Observation.objects.demo().filter(
        target_id=observation.target_id, year=observation.year, kern_id=observation.kern_id
    )
    deleted, _per_model = duplicates.delete()
    return deleted


@transaction.atomic
def save_observation(
    *, user, data: dict, observation: Observation | None = None, before: dict | None = None, cleaned: bool = False
) -> Observation:
    """Add or correct an observation and keep its history: the one way every caller saves one.

    ``data`` maps field names to values (a form's ``cleaned_data``; keys that are not
    fields of an observation are ignored). ``observation`` is the one to correct (None
    adds one). The rules are ``Observation.clean()``; ``cleaned`` says the caller already
    ran them on this instance (a model form, an import row), so they are not run twice.
    ``before`` is the stored snapshot when the caller holds it (an import reads every row
    it corrects in one query); otherwise the stored row is locked and read here. A real
    figure replaces demo data of the same target, year and village.
    """
    observation = observation if observation is not None else Observation()
    if observation.pk and before is None:
        before = snapshot_observation(
            Observation.objects.select_for_update(of=("self",))
            .select_related("target", "kern", "survey")
            .get(pk=observation.pk)
        )
    elif not observation.pk:
        before = {}
        observation.entered_by = observation.entered_by or user
    for name in EDITABLE_FIELDS:
        if name in data:
            setattr(observation, name, data[name])
    if not cleaned:
        observation.full_clean()
    observation.save()
    remove_demo_duplicates(observation)
    record_observation_change(observation, before, user)
    return observation
