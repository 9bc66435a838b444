"""Start a consultation: surgeon, patient, procedure and circumstances, each field checked in place."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QBoxLayout,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from consultaid.consultation.setup import (
    ConsultationSetup,
    Interpreter,
    Patient,
    Surgeon,
    clean_text,
    field_problem,
    validate_setup,
)
from consultaid.content.library import ContentLibrary
from consultaid.i18n import LANGUAGE_NAMES, SUPPORTED_LANGUAGES, _
from consultaid.ui.services.screen_fit import fit_to_screen, fits_screen_width
from consultaid.ui.widgets.date_field import DateField
from consultaid.ui.widgets.field_error import FieldError, with_error

PACK_ROLE = Qt.ItemDataRole.UserRole


class StartConsultationDialog(QDialog):
    def __init__(self, library: ContentLibrary, surgeon: Surgeon | None = None, procedure_id: str | None = None,
                 patient_language: str = "en", today: date | None = None, parent=None):
        super().__init__(parent)
        self.library = library
        self.today = today or date.today()
        self.result_setup: ConsultationSetup | None = None
        self.setWindowTitle(_("Start a consultation"))
        self.errors: dict[str, FieldError] = {}

        # Two columns (who, then what and when): in one column the form was 820 px tall and its buttons
        # were below the bottom of a 768 px screen. Tab still goes down the left column, then the right.
        body = QWidget()
        columns = QBoxLayout(QBoxLayout.Direction.LeftToRight, body)
        left, right = QVBoxLayout(), QVBoxLayout()
        left.addWidget(self._surgeon_group(surgeon))
        left.addWidget(self._patient_group())
        left.addStretch(1)
        right.addWidget(self._procedure_group(patient_language))
        right.addWidget(self._circumstances_group())
        right.addStretch(1)
        columns.addLayout(left, 1)
        columns.addLayout(right, 1)
        for form in body.findChildren(QFormLayout):
            # A label too long to sit beside its field goes above it (French at desktop scaling 200 %).
            form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        if not fits_screen_width(body, 60):
            columns.setDirection(QBoxLayout.Direction.TopToBottom)  # one column, scrolled down, never sideways
        scroll = QScrollArea()
        scroll.setAccessibleName(_("Consultation details"))
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)

        self.buttons = QDialogButtonBox()
        self.start_button = self.buttons.addButton(_("Start consultation"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
        self.buttons.accepted.connect(self.try_start)
        self.buttons.rejected.connect(self.reject)
        outer = QVBoxLayout(self)
        outer.addWidget(scroll, 1)
        outer.addWidget(self.buttons)
        self._fill_procedures(procedure_id)
        self._check_as_typed()
        # As wide as both columns want at the presentation size in use, as far as the screen allows.
        wanted = body.sizeHint()
        fit_to_screen(self, max(1080, wanted.width() + 60), max(640, wanted.height() + 100))

    # --- building ------------------------------------------------------------------------------
    def _row(self, form: QFormLayout, label: str, field_name: str, widget: QWidget, accessible: str) -> None:
        widget.setAccessibleName(accessible)
        error = FieldError()
        self.errors[field_name] = error
        holder = with_error(widget, error)
        form.addRow(label, holder)
        # The visible label names the field itself, not its holder: a screen reader reads a field by the
        # label it is "labelled by", and a list by nothing else (its own name is its current value).
        form.labelForField(holder).setBuddy(widget.edit if hasattr(widget, "edit") else widget)

    def _surgeon_group(self, surgeon: Surgeon | None) -> QGroupBox:
        group = QGroupBox(_("Surgeon"))
        form = QFormLayout(group)
        self.surgeon_name = QLineEdit(surgeon.name if surgeon else "")
        self.surgeon_title = QLineEdit(surgeon.title if surgeon else "")
        self.surgeon_registration = QLineEdit(surgeon.registration_number if surgeon else "")
        self.clinic = QLineEdit(surgeon.clinic if surgeon else "")
        self._row(form, _("Name"), "surgeon_name", self.surgeon_name, _("Surgeon's name"))
        self._row(form, _("Title"), "surgeon_title", self.surgeon_title, _("Surgeon's title"))
        self._row(form, _("Registration number"), "surgeon_registration", self.surgeon_registration,
                  _("Surgeon's registration number"))
        self._row(form, _("Clinic"), "clinic", self.clinic, _("Clinic"))
        return group

    def _patient_group(self) -> QGroupBox:
        group = QGroupBox(_("Patient"))
        form = QFormLayout(group)
        self.patient_name = QLineEdit()
        self.date_of_birth = DateField()
        self.patient_identifier = QLineEdit()
        self._row(form, _("Name"), "patient_name", self.patient_name, _("Patient's name"))
        self._row(form, _("Date of birth"), "date_of_birth", self.date_of_birth, _("Patient's date of birth"))
        self.date_of_birth.edit.setAccessibleName(_("Patient's date of birth"))
        self._row(form, _("Identifier (optional)"), "patient_identifier", self.patient_identifier,
                  _("Patient's identifier"))
        return group

    def _procedure_group(self, patient_language: str) -> QGroupBox:
        group = QGroupBox(_("Procedure"))
        form = QFormLayout(group)
        self.patient_language = QComboBox()
        for language in SUPPORTED_LANGUAGES:
            self.patient_language.addItem(LANGUAGE_NAMES[language], language)
        self.patient_language.setCurrentIndex(SUPPORTED_LANGUAGES.index(patient_language))
        self.patient_language.currentIndexChanged.connect(lambda: self._fill_procedures(self.procedure_id()))
        self.procedure_search = QLineEdit()
        self.procedure_search.setPlaceholderText(_("Search procedures…"))
        self.procedure_search.setClearButtonEnabled(True)
        self.procedure_search.textChanged.connect(lambda: self._fill_procedures(self.procedure_id()))
        self.procedure_list = QListWidget()
        self.procedure_list.setMinimumHeight(120)
        # Long titles wrap in the form's column instead of a sideways scroll bar.
        self.procedure_list.setWordWrap(True)
        self.procedure_list.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.procedure_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        picker = QWidget()
        picker_layout = QVBoxLayout(picker)
        picker_layout.setContentsMargins(0, 0, 0, 0)
        picker_layout.addWidget(self.procedure_search)
        picker_layout.addWidget(self.procedure_list)
        self.procedure_search.setAccessibleName(_("Search procedures"))
        self._row(form, _("Patient's language"), "patient_language", self.patient_language,
                  _("Language of the information given to the patient"))
        self._row(form, _("Procedure"), "procedure_id", picker, _("Procedure"))
        self.procedure_list.setAccessibleName(_("Procedure"))
        return group

    def _circumstances_group(self) -> QGroupBox:
        group = QGroupBox(_("Circumstances"))
        form = QFormLayout(group)
        self.side_level = QLineEdit()
        self.side_level.setPlaceholderText(_("for example: L4, left"))
        self.indication = QLineEdit()
        self.surgery_date = DateField()
        self._row(form, _("Side / level (optional)"), "side_level", self.side_level, _("Side or level"))
        self._row(form, _("Indication (optional)"), "indication", self.indication, _("Indication"))
        self._row(form, _("Planned surgery date (optional)"), "surgery_date", self.surgery_date,
                  _("Planned surgery date"))
        self.surgery_date.edit.setAccessibleName(_("Planned surgery date"))
        self.interpreter_present = QCheckBox(_("An interpreter is present"))
        self.interpreter_name = QLineEdit()
        self.interpreter_language = QLineEdit()
        interpreter = QWidget()
        interpreter_layout = QHBoxLayout(interpreter)
        interpreter_layout.setContentsMargins(0, 0, 0, 0)
        interpreter_layout.addWidget(self.interpreter_present)
        form.addRow("", interpreter)
        self._row(form, _("Interpreter's name"), "interpreter_name", self.interpreter_name, _("Interpreter's name"))
        self._row(form, _("Interpreter's language"), "interpreter_language", self.interpreter_language,
                  _("Language the interpreter translates into"))
        self.interpreter_present.toggled.connect(self._interpreter_toggled)
        self._interpreter_toggled(False)
        return group

    @Slot(bool)
    def _interpreter_toggled(self, present: bool) -> None:
        for widget in (self.interpreter_name, self.interpreter_language):
            widget.setEnabled(present)

    def _fill_procedures(self, keep: str | None) -> None:
        language = self.patient_language.currentData()
        wanted = self.procedure_search.text().strip().casefold()
        self.procedure_list.clear()
        for pack in self.library.in_language(language):
            title = pack.title(language)
            if wanted and wanted not in title.casefold():
                continue
            item = QListWidgetItem(title)
            item.setData(PACK_ROLE, pack.id)
            self.procedure_list.addItem(item)
            if pack.id == keep:
                self.procedure_list.setCurrentItem(item)

    # --- checking ------------------------------------------------------------------------------
    def _text_fields(self) -> dict[str, QLineEdit]:
        return {"surgeon_name": self.surgeon_name, "surgeon_title": self.surgeon_title,
                "surgeon_registration": self.surgeon_registration, "clinic": self.clinic,
                "patient_name": self.patient_name, "patient_identifier": self.patient_identifier,
                "side_level": self.side_level, "indication": self.indication,
                "interpreter_name": self.interpreter_name, "interpreter_language": self.interpreter_language}

    def _check_as_typed(self) -> None:
        """A text that could never be kept (a character that is not text, far too long: often pasted) or a
        date out of bounds is explained under its field at once, not only when Start is pressed."""
        for name, field in self._text_fields().items():
            field.textChanged.connect(lambda text, name=name: self.errors[name].show_message(
                field_problem(name, clean_text(text))))
        for name, field in (("date_of_birth", self.date_of_birth), ("surgery_date", self.surgery_date)):
            field.changed.connect(lambda name=name: self._check_date(name))

    def _check_date(self, name: str) -> None:
        fields, date_errors = self._fields()
        if name in date_errors or fields[name] is None:
            self.errors[name].show_message(None)  # still being typed: the words beside it say "not a date"
        else:
            self.errors[name].show_message(validate_setup(fields, self.today).get(name))

    def procedure_id(self) -> str | None:
        item = self.procedure_list.currentItem()
        return item.data(PACK_ROLE) if item is not None else None

    def _fields(self) -> tuple[dict, dict[str, str]]:
        errors: dict[str, str] = {}
        dates = {}
        for name, widget in (("date_of_birth", self.date_of_birth), ("surgery_date", self.surgery_date)):
            try:
                dates[name] = widget.value()
            except ValueError:
                dates[name] = None
                errors[name] = _("Not a date: type it as DD/MM/YYYY.")
        fields = {
            "surgeon_name": clean_text(self.surgeon_name.text()),
            "surgeon_title": clean_text(self.surgeon_title.text()),
            "surgeon_registration": clean_text(self.surgeon_registration.text()),
            "clinic": clean_text(self.clinic.text()),
            "patient_name": clean_text(self.patient_name.text()),
            "patient_identifier": clean_text(self.patient_identifier.text()),
            "procedure_id": self.procedure_id(),
            "patient_language": self.patient_language.currentData(),
            "side_level": clean_text(self.side_level.text()),
            "indication": clean_text(self.indication.text()),
            "interpreter_present": self.interpreter_present.isChecked(),
            "interpreter_name": clean_text(self.interpreter_name.text()),
            "interpreter_language": clean_text(self.interpreter_language.text()),
            **dates,
        }
        return fields, errors

    @Slot()
    def try_start(self) -> None:
        fields, date_errors = self._fields()
        problems = validate_setup(fields, self.today)
        problems.update(date_errors)  # "not a date" says more than "enter the date"
        for name, label in self.errors.items():
            label.show_message(problems.get(name))
        if problems:
            first = next(name for name in self.errors if name in problems)
            self.errors[first].parentWidget().layout().itemAt(0).widget().setFocus()
            return
        self.result_setup = ConsultationSetup(
            surgeon=Surgeon(fields["surgeon_name"], fields["surgeon_title"], fields["surgeon_registration"],
                            fields["clinic"]),
            patient=Patient(fields["patient_name"], fields["date_of_birth"], fields["patient_identifier"]),
            procedure_id=fields["procedure_id"],
            patient_language=fields["patient_language"],
            side_level=fields["side_level"],
            indication=fields["indication"],
            surgery_date=fields["surgery_date"],
            interpreter=Interpreter(fields["interpreter_name"], fields["interpreter_language"])
            if fields["interpreter_present"] else None,
        )
        self.accept()
