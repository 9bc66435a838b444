"""A one-line note under a list or a preview: done (✓, green) or went wrong (⚠, red), never colour alone."""

from __future__ import annotations

from consultaid.ui.services.style import ERROR_INK, SUCCESS_INK, SURFACE, WARNING_BG


def show_note(label, text: str, error: bool = False) -> None:
    colour, background = (ERROR_INK, WARNING_BG) if error else (SUCCESS_INK, SURFACE)
    label.setStyleSheet(f"QLabel#{label.objectName()} {{ color: {colour}; background: {background}; "
                        "border-radius: 6px; padding: 6px 10px; }")
    label.setText(("\u26a0 " if error else "\u2713 ") + text)
    label.setAccessibleName(text)
    label.show()
