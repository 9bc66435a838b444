"""What every Settings page shares: the load/collect protocol and the small helpers of its forms."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QLabel, QWidget

from consultaid.settings import Settings
from consultaid.ui.widgets.field_error import FieldError


class SettingsPage(QWidget):
    """One tab. `errors` is the dialog's map of problem keys (those of `consultaid.settings.validate`) to the
    message shown under the field the problem is about; each page adds its fields' entries."""

    def __init__(self, errors: dict[str, FieldError]):
        super().__init__()
        self.errors = errors

    def title(self) -> str:
        raise NotImplementedError

    def load(self, settings: Settings) -> None:
        raise NotImplementedError

    def collect(self, values: dict, problems: dict[str, str]) -> None:
        """Put this page's settings into `values` (keyword arguments of `Settings`) and any problem in
        reading its fields into `problems`."""
        raise NotImplementedError

    def keep(self, settings: Settings) -> None:
        """Called once the new settings passed every check: what must happen only then (a slow hash, a
        secret handed to the keyring)."""

    def error(self, key: str) -> FieldError:
        error = FieldError()
        self.errors[key] = error
        return error


def named(widget, name: str, description: str = ""):
    widget.setAccessibleName(name)
    if description:
        widget.setAccessibleDescription(description)
    return widget


def buddy_label(text: str, buddy: QWidget) -> QLabel:
    label = QLabel(text)
    label.setBuddy(buddy)
    return label


def select(combo: QComboBox, value) -> None:
    index = combo.findData(value)
    if index >= 0:
        combo.setCurrentIndex(index)
