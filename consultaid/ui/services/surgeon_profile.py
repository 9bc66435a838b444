"""The surgeon profile the start form is filled from, kept in the user's settings (QSettings)."""

from __future__ import annotations

from PySide6.QtCore import QSettings

from consultaid.consultation.setup import Surgeon

FIELDS = ("name", "title", "registration_number", "clinic")


def load_surgeon() -> Surgeon | None:
    """The current profile from Settings when there is one, else the surgeon of the last consultation."""
    from consultaid.settings import load_settings

    configured = load_settings()
    profile = configured.current()
    if profile is not None:
        return Surgeon(profile.name, profile.title, profile.registration_number, configured.clinic.name)
    settings = QSettings()
    name = settings.value("surgeon/name", "")
    if not name:
        return None
    return Surgeon(**{field: str(settings.value(f"surgeon/{field}", "")) for field in FIELDS})


def save_surgeon(surgeon: Surgeon) -> None:
    settings = QSettings()
    for field in FIELDS:
        settings.setValue(f"surgeon/{field}", getattr(surgeon, field))
