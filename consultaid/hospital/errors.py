"""The one error every sending step raises, with a message fit for the user and for the IT person.

Messages are translated and never carry patient data (names, identifiers, dates of birth), because they
reach the audit trail and logs; the receiver's own answer text is kept, since that is what IT needs to
act on, and receivers answer about the message, not with its content.
"""

from __future__ import annotations


class HospitalError(Exception):
    """Sending to the hospital record failed; `str(error)` is one translated line.

    `rejected` is true when the receiver answered and refused (HL7 AE/AR, FHIR 4xx): sending the same
    message again will fail the same way until someone fixes the cause, so it is retried only on request.
    It is false when the receiver could not be reached or did not answer (retrying later may succeed).
    """

    def __init__(self, message: str, *, rejected: bool = False, receiver_text: str = "") -> None:
        super().__init__(message)
        self.rejected = rejected
        self.receiver_text = receiver_text
