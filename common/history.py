"""Append-only history of a record: what changed between two snapshots.

One rule for every history in the portal (initiatives, observations, organisations),
whoever saves (a form, the admin, a spreadsheet import, a survey): a new record always
gets a history row with every field; a change gets a row only when something changed.
"""


def diff(before: dict, after: dict) -> dict:
    """The keys whose value changed, each as ``[old, new]`` (a key new in ``after`` has old None).

    Snapshots are plain JSON-ready dicts, so the result can be stored as a history row.
    """
    return {key: [before.get(key), value] for key, value in after.items() if before.get(key) != value}


def to_record(before: dict, after: dict) -> dict | None:
    """What a history row stores under the rule above, or None when no row is written.

    ``before`` is empty for a new record."""
    changes = diff(before, after)
    if before and not changes:
        return None
    return changes


def snapshot(instance, names) -> dict:
    """A record's fields as readable, JSON-ready values: related rows by their name,
    many-to-many fields as a sorted list of names (empty while the record is unsaved)."""
    data = {}
    for name in names:
        field = instance._meta.get_field(name)
        if field.many_to_many:
            data[name] = sorted(str(obj) for obj in getattr(instance, name).all()) if instance.pk else []
        elif field.is_relation:
            related = getattr(instance, name)
            data[name] = None if related is None else str(related)
        else:
            value = getattr(instance, field.attname)
            data[name] = value if isinstance(value, bool | int | type(None)) else str(value)
    return data
