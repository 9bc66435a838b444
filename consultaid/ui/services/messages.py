"""Every question and warning the app asks goes through here, so tests can answer them without a modal
dialog blocking the run (set `messages.answers` to a list of replies: True/False for a question, an index
for a choice, the text, or None for "cancelled", for a secret)."""

from __future__ import annotations

from typing import Any

# The dialog classes are imported where a dialog is shown: importing a PySide6 class builds its enum
# classes (QMessageBox's alone take half a millisecond), and the app imports this module at its start.


class Messages:
    def __init__(self):
        self.answers: list[Any] | None = None  # tests: replies to give instead of showing a dialog
        self.asked: list[str] = []

    def confirm(self, parent, title: str, text: str, yes: str, no: str) -> bool:
        self.asked.append(title)
        if self.answers is not None:
            if not self.answers:
                raise AssertionError(f"unexpected question: {title}")
            return self.answers.pop(0)
        from PySide6.QtWidgets import QMessageBox

        box = QMessageBox(QMessageBox.Icon.Question, title, text, parent=parent)
        yes_button = box.addButton(yes, QMessageBox.ButtonRole.DestructiveRole)
        box.addButton(no, QMessageBox.ButtonRole.RejectRole)
        box.exec()
        return box.clickedButton() is yes_button

    def inform(self, parent, title: str, text: str, warning: bool = True) -> None:
        """A message the user acknowledges (tests: any reply in `answers` acknowledges it)."""
        self.asked.append(title)
        if self.answers is not None:
            if not self.answers:
                raise AssertionError(f"unexpected message: {title}")
            self.answers.pop(0)
            return
        from PySide6.QtWidgets import QMessageBox

        icon = QMessageBox.Icon.Warning if warning else QMessageBox.Icon.Information
        QMessageBox(icon, title, text, QMessageBox.StandardButton.Ok, parent).exec()

    def choose(self, parent, title: str, text: str, options: list[str]) -> int:
        """Index of the option clicked; the first option is the default."""
        self.asked.append(title)
        if self.answers is not None:
            if not self.answers:
                raise AssertionError(f"unexpected question: {title}")
            return int(self.answers.pop(0))
        from PySide6.QtWidgets import QMessageBox

        box = QMessageBox(QMessageBox.Icon.Question, title, text, parent=parent)
        buttons = [box.addButton(option, QMessageBox.ButtonRole.AcceptRole) for option in options]
        box.setDefaultButton(buttons[0])
        box.exec()
        return buttons.index(box.clickedButton()) if box.clickedButton() in buttons else len(options) - 1

    def ask_secret(self, parent, title: str, label: str) -> str | None:
        """A passphrase, typed hidden; None when the user cancels. Never kept in `asked` (only the title)."""
        self.asked.append(title)
        if self.answers is not None:
            if not self.answers:
                raise AssertionError(f"unexpected question: {title}")
            answer = self.answers.pop(0)
            return None if answer is None else str(answer)
        from PySide6.QtWidgets import QInputDialog, QLineEdit

        text, ok = QInputDialog.getText(parent, title, label, QLineEdit.EchoMode.Password)
        return text if ok else None


messages = Messages()
