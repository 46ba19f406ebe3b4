"""Monitoring's state changes: observations (``observations``: entered and corrected by
officers, each change written to the observation's history) and De Jong Gierveld survey
imports (``surveys``). Callers use the names below, as ``services.save_observation(...)``."""

from ..models import FIRST_SURVEY_YEAR
from .observations import (
    EDITABLE_FIELDS,
    HISTORY_FIELDS,
    record_observation_change,
    remove_demo_duplicates,
    save_observation,
    snapshot_observation,
)
from .surveys import (
    ParsedSurvey,
    TargetResult,
    compute_survey,
    import_survey,
    import_survey_file,
    parse_survey,
    preview_survey,
    validate_survey_details,
)

__all__ = [
    "EDITABLE_FIELDS",
    "FIRST_SURVEY_YEAR",
    "HISTORY_FIELDS",
    "ParsedSurvey",
    "TargetResult",
    "compute_survey",
    "import_survey",
    "import_survey_file",
    "parse_survey",
    "preview_survey",
    "record_observation_change",
    "remove_demo_duplicates",
    "save_observation",
    "snapshot_observation",
    "validate_survey_details",
]
