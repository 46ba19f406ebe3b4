"""The signal workflow. Every state change goes through one function here: inside a
transaction, with the signal row locked (select_for_update), the transition checked,
an append-only history row written and e-mails put in the portal's outbox in the same
transaction; delivery is queued after commit. Views never set a status themselves.

Split by what the functions are about: ``filing`` (storing and routing), ``workflow``
(the opvolger's steps), ``outbox`` (history rows and notifications) and ``retention``
(audit, erasure, access). Callers use the names below, as ``services.take(...)``.
"""

from .filing import REGISTRATION_ONLY, file_public_signal, file_signal
from .retention import (
    PERSONAL_FIELDS,
    erase_expired,
    erase_old_audit_rows,
    erase_personal_data,
    export_signal,
    record_contact_view,
)
from .workflow import (
    ALLOWED_FROM,
    TransitionNotAllowed,
    assign,
    check_step,
    close,
    log_contact,
    refer,
    reopen,
    take,
    update_referral,
)

__all__ = [
    "ALLOWED_FROM",
    "PERSONAL_FIELDS",
    "REGISTRATION_ONLY",
    "TransitionNotAllowed",
    "assign",
    "check_step",
    "close",
    "erase_expired",
    "erase_old_audit_rows",
    "erase_personal_data",
    "export_signal",
    "file_public_signal",
    "file_signal",
    "log_contact",
    "record_contact_view",
    "refer",
    "reopen",
    "take",
    "update_referral",
]
