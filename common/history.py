"""Append-only history of a record: what changed between two snapshots."""


def diff(before: dict, after: dict) -> dict:
    """The keys whose value changed, each as ``[old, new]`` (a key new in ``after`` has old None).

    Snapshots are plain JSON-ready dicts, so the result can be stored as a history row.
    """
    return {key: [before.get(key), value] for key, value in after.items() if before.get(key) != value}
