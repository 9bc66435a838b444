"""Two rooms at once: opening a draft another workstation holds (its lease on the clinic server) says who
has it and offers a read-only view, or taking it over explicitly (audited on the server), or nothing.

Used by the records view (Resume consultation) and by the window's offer of an interrupted consultation.
A store without leases (this workstation's SQLite file) never asks.
"""

from __future__ import annotations

from datetime import datetime

from consultaid.i18n import _

READ_ONLY, TAKE_OVER, CANCEL = "read_only", "take_over", "cancel"


def ask_about_lease(parent, store, consultation_id: str, patient: str) -> str | None:
    """None when nobody else has the draft (resume it as usual); else the user's choice: READ_ONLY,
    TAKE_OVER or CANCEL."""
    from consultaid.ui.services.messages import messages

    lease_of = getattr(store, "draft_lease", None)
    lease = lease_of(consultation_id) if lease_of is not None else None
    if lease is None:
        return None
    until = datetime.fromisoformat(lease.expires).astimezone().strftime("%H:%M")
    choice = messages.choose(
        parent, _("This consultation is open on another workstation"),
        _("The consultation with {patient} is open on workstation {workstation} (held until {time}, renewed while "
          "it stays open there). Open it read-only here, or take it over: the other workstation can then no "
          "longer save it, and the take-over is recorded in the audit trail.").format(
            patient=patient, workstation=lease.workstation, time=until),
        [_("Open read-only"), _("Take it over"), _("Cancel")])
    return (READ_ONLY, TAKE_OVER, CANCEL)[choice]
