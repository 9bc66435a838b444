"""The user's settings: surgeon profiles, clinic, paper, printer, languages, data folder. No Qt here.

Declared once as dataclasses and kept as one JSON file in the user config folder:

    $CONSULTAID_CONFIG_DIR/settings.json            when that variable is set
    %APPDATA%\\ConsultAid\\settings.json              on Windows
    $XDG_CONFIG_HOME/ConsultAid/settings.json       elsewhere (default ~/.config/ConsultAid/settings.json)

    load_settings() -> Settings          defaults when nothing is configured; never raises on a bad file
    save_settings(settings) -> Path      written whole or not at all (temporary file + os.replace), 0600
    validate(settings) -> {field: msg}   empty when everything is right; messages in the interface language

A file that cannot be read or parsed gives the defaults, with `Settings.problem` saying so, and the file
is kept aside as settings.json.broken-<timestamp> so nothing the user set is silently lost.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from contextlib import suppress
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from consultaid.i18n import SUPPORTED_LANGUAGES, _
from consultaid.paths import user_config_dir

if TYPE_CHECKING:
    from consultaid.server.location import ServerLocation

_T = TypeVar("_T")

FILE_NAME = "settings.json"
FORMAT_VERSION = 1
PAPERS = ("a4", "letter")
LANGUAGES = SUPPORTED_LANGUAGES
MIN_COPIES, MAX_COPIES = 1, 99
MIN_LOCK_MINUTES, MAX_LOCK_MINUTES = 1, 60
MAX_LOGO_BYTES = 2 * 1024 * 1024
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
JPEG_MAGIC = b"\xff\xd8\xff"


@dataclass
class SurgeonProfile:
    name: str
    title: str = ""
    registration_number: str = ""
    signature_meaning: str = ""
    # The unlock PIN as consultaid.pin.hash_pin() keeps it (salted scrypt); "" when none is set.
    pin_hash: str = field(default="", repr=False)


@dataclass
class Clinic:
    name: str = ""
    address: str = ""
    logo_path: str = ""


@dataclass
class ClinicServer:
    """Where the clinic's shared record store is (Settings › Data › Clinic server). Never the password,
    which is kept in the system keyring (consultaid/server/location.py)."""

    host: str = ""
    port: int = 5432
    database: str = "consultaid"
    user: str = ""
    ca_certificate: str = ""

    def location(self) -> ServerLocation:
        from consultaid.server.location import ServerLocation

        return ServerLocation(host=self.host.strip(), port=self.port, database=self.database.strip(),
                              user=self.user.strip(), ca_certificate=self.ca_certificate.strip())


RECORD_STORES = ("workstation", "server")
FHIR_AUTHENTICATIONS = ("none", "bearer", "client_certificate")


@dataclass
class HospitalRecord:
    """Where finalized summaries are sent (Settings › Hospital record). Both destinations are off while their
    address is empty, the default. Never the FHIR bearer token, which is kept in the system keyring
    (consultaid/hospital/outbox_settings.py). The codes are the hospital's (docs/it.md, "Hospital record")."""

    mllp_host: str = ""
    mllp_port: int = 0
    mllp_tls: bool = False
    mllp_ca_file: str = ""
    fhir_base_url: str = ""
    fhir_auth: str = "none"            # "none", "bearer" or "client_certificate"
    fhir_ca_file: str = ""
    fhir_certificate_file: str = ""    # the client certificate (PEM) and its key, for "client_certificate"
    fhir_key_file: str = ""
    sending_application: str = "ConsultAid"
    sending_facility: str = ""
    receiving_application: str = ""
    receiving_facility: str = ""
    identifier_authority: str = ""
    identifier_system: str = ""
    source_oid: str = ""
    # "" = the default: LOINC 59284-0 "Consent Document" (consultaid/hospital/document.py, docs/it.md)
    document_type_code: str = ""
    document_type_system: str = ""
    document_type_display: str = ""

    def destinations(self) -> tuple[str, ...]:
        """The destinations configured: "mllp" and/or "fhir"; () sends nothing and opens no socket."""
        return (("mllp",) if self.mllp_host.strip() and self.mllp_port else ()) + \
            (("fhir",) if self.fhir_base_url.strip() else ())


@dataclass
class Settings:
    profiles: list[SurgeonProfile] = field(default_factory=list)
    current_profile: int = -1          # index into profiles; -1 when there are none
    clinic: Clinic = field(default_factory=Clinic)
    paper: str = "a4"                  # "a4" | "letter"
    interface_language: str = "en"     # "en" | "fr"
    patient_language: str = "en"       # "en" | "fr"
    data_dir: str = ""                 # "" = the platform's default data folder
    printer: str = ""                  # "" = the system's default printer
    copies: int = 2
    large_print: bool = False          # the default for each consultation's summary (issue 18)
    seal_certificate: str = ""         # PKCS#12 file that seals summaries; "" = this installation's own seal
    # The window locks after this many minutes without a key, click, touch or pen; 1 to 60. There is no
    # "never": the lock is what hides patient data when the surgeon steps out (see docs/surgeons.md).
    lock_after_minutes: int = 5
    # Where the records are: "workstation" (the embedded, encrypted SQLite file in data_dir, the default)
    # or "server" (the clinic's PostgreSQL server described by `server`).
    record_store: str = "workstation"
    server: ClinicServer = field(default_factory=ClinicServer)
    hospital: HospitalRecord = field(default_factory=HospitalRecord)
    # Set by load_settings() when the file could not be used; never saved, not part of equality.
    problem: str = field(default="", compare=False, repr=False)

    def current(self) -> SurgeonProfile | None:
        """The chosen surgeon profile, or None."""
        if 0 <= self.current_profile < len(self.profiles):
            return self.profiles[self.current_profile]
        return None

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("problem")
        return {"version": FORMAT_VERSION, **data}


# ---- Where ---------------------------------------------------------------------------------------------------

def config_dir() -> Path:
    return user_config_dir()


def settings_path() -> Path:
    return config_dir() / FILE_NAME


# ---- Reading ---------------------------------------------------------------------------------------------------

# The dataclasses made only of text fields, which `_Reader.strings` builds.
_TextRecord = TypeVar("_TextRecord", SurgeonProfile, Clinic)


class _Reader:
    """Builds dataclasses from JSON, keeping the default for any value of the wrong type (and noting it)."""

    def __init__(self) -> None:
        self.wrong: list[str] = []

    def value(self, data: dict[str, Any], name: str, kind: type[_T], default: _T, where: str) -> _T:
        if name not in data:
            return default
        value: _T = data[name]
        if kind is int and isinstance(value, bool) or not isinstance(value, kind):
            self.wrong.append(where + name)
            return default
        return value

    def strings(self, cls: type[_TextRecord], data: object, where: str) -> _TextRecord | None:
        if not isinstance(data, dict):
            self.wrong.append(where.rstrip("."))
            return None
        values = {f.name: self.value(data, f.name, str, "", where) for f in fields(cls)}
        return cls(**values)

    def server(self, data: object) -> ClinicServer:
        defaults = ClinicServer()
        if not isinstance(data, dict):
            self.wrong.append("server")
            return defaults
        return ClinicServer(**{f.name: self.value(data, f.name, type(getattr(defaults, f.name)),
                                                  getattr(defaults, f.name), "server.")
                               for f in fields(ClinicServer)})

    def hospital(self, data: object) -> HospitalRecord:
        defaults = HospitalRecord()
        if not isinstance(data, dict):
            self.wrong.append("hospital")
            return defaults
        return HospitalRecord(**{f.name: self.value(data, f.name, type(getattr(defaults, f.name)),
                                                    getattr(defaults, f.name), "hospital.")
                                 for f in fields(HospitalRecord)})

    def settings(self, data: dict[str, Any]) -> Settings:
        defaults = Settings()
        profiles = []
        raw_profiles = self.value(data, "profiles", list, [], "")
        for number, raw in enumerate(raw_profiles):
            profile = self.strings(SurgeonProfile, raw, f"profiles[{number}].")
            if profile is not None:
                profiles.append(profile)
        clinic = self.strings(Clinic, data["clinic"], "clinic.") if "clinic" in data else None
        result = Settings(
            profiles=profiles,
            current_profile=self.value(data, "current_profile", int, -1, ""),
            clinic=clinic or Clinic(),
            server=self.server(data.get("server", {})),
            hospital=self.hospital(data.get("hospital", {})),
            **{name: self.value(data, name, type(getattr(defaults, name)), getattr(defaults, name), "")
               for name in ("paper", "interface_language", "patient_language", "data_dir", "printer", "copies",
                            "large_print", "seal_certificate", "lock_after_minutes", "record_store")},
        )
        if profiles and not 0 <= result.current_profile < len(profiles):
            result.current_profile = 0
        elif not profiles:
            result.current_profile = -1
        return result


def _set_aside(path: Path) -> Path | None:
    aside = path.with_name(f"{path.name}.broken-{time.strftime('%Y%m%d-%H%M%S')}")
    number = 1
    while aside.exists():
        number += 1
        aside = path.with_name(f"{path.name}.broken-{time.strftime('%Y%m%d-%H%M%S')}-{number}")
    try:
        os.replace(path, aside)
    except OSError:
        return None
    return aside


def load_settings() -> Settings:
    """The saved settings, or the defaults. Never raises because of the file."""
    path = settings_path()
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return Settings()
    except OSError as error:
        settings = Settings()
        settings.problem = _("The settings file {path} could not be read ({reason}). "
                             "The default settings are used.").format(path=path, reason=error.strerror or error)
        return settings
    try:
        data = json.loads(raw.decode("utf-8"))
        if not isinstance(data, dict):
            raise ValueError("not a JSON object")
    except (UnicodeDecodeError, ValueError):
        settings = Settings()
        aside = _set_aside(path)
        if aside is not None:
            settings.problem = _("The settings file was damaged and could not be read. The default settings "
                                 "are used; the damaged file was kept as {path}.").format(path=aside)
        else:
            settings.problem = _("The settings file {path} was damaged and could not be read. "
                                 "The default settings are used.").format(path=path)
        return settings
    reader = _Reader()
    settings = reader.settings(data)
    if reader.wrong:
        settings.problem = _("Some settings had values of the wrong kind and were reset: {names}.").format(
            names=", ".join(reader.wrong))
    return settings


# ---- Writing ---------------------------------------------------------------------------------------------------

def save_settings(settings: Settings) -> Path:
    """Writes the settings whole, readable by their owner only; returns the file's path."""
    path = settings_path()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    text = json.dumps(settings.to_dict(), ensure_ascii=False, indent=2) + "\n"
    descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        with suppress(OSError):
            os.chmod(temporary, 0o600)
        os.replace(temporary, path)
    except BaseException:
        with suppress(OSError):
            os.unlink(temporary)
        raise
    return path


# ---- Checking --------------------------------------------------------------------------------------------------

def logo_problem(logo_path: str) -> str | None:
    """Why this logo cannot be used, or None when it can (or when there is none)."""
    if not logo_path:
        return None
    path = Path(logo_path).expanduser()
    if not path.is_file():
        return _("There is no image file at this place.")
    try:
        size = path.stat().st_size
        with open(path, "rb") as handle:
            start = handle.read(8)
    except OSError:
        return _("The image file cannot be read.")
    if not (start.startswith(PNG_MAGIC) or start.startswith(JPEG_MAGIC)):
        return _("The logo must be a PNG or JPEG image.")
    if size > MAX_LOGO_BYTES:
        return _("The logo file is larger than 2 MB. Choose a smaller image.")
    return None


def validate(settings: Settings) -> dict[str, str]:
    """Field path ("copies", "clinic.logo_path", "profiles[0].name", …) -> what is wrong with it."""
    problems: dict[str, str] = {}
    copies = settings.copies
    if isinstance(copies, bool) or not isinstance(copies, int) or not MIN_COPIES <= copies <= MAX_COPIES:
        problems["copies"] = _("The number of copies must be a whole number from {low} to {high}.").format(
            low=MIN_COPIES, high=MAX_COPIES)
    minutes = settings.lock_after_minutes
    if isinstance(minutes, bool) or not isinstance(minutes, int) \
            or not MIN_LOCK_MINUTES <= minutes <= MAX_LOCK_MINUTES:
        problems["lock_after_minutes"] = _("The time before locking must be a whole number of minutes from "
                                           "{low} to {high}.").format(low=MIN_LOCK_MINUTES, high=MAX_LOCK_MINUTES)
    if settings.paper not in PAPERS:
        problems["paper"] = _("Choose A4 or US Letter.")
    for name in ("interface_language", "patient_language"):
        if getattr(settings, name) not in LANGUAGES:
            problems[name] = _("Choose English or French.")
    logo = logo_problem(settings.clinic.logo_path)
    if logo:
        problems["clinic.logo_path"] = logo
    if settings.data_dir:
        folder = Path(settings.data_dir)
        if not folder.is_absolute():
            problems["data_dir"] = _("Give the full path of the folder, starting from the root "
                                     "(for example /home/clinic/records).")
        elif not folder.parent.is_dir():
            problems["data_dir"] = _("The folder {folder} does not exist.").format(folder=folder.parent)
    if settings.record_store not in RECORD_STORES:
        problems["record_store"] = _("Choose this workstation or a clinic server.")
    elif settings.record_store == "server":
        for name, message in settings.server.location().problems().items():
            problems["server." + name] = message
    problems.update(hospital_problems(settings.hospital))
    if settings.seal_certificate and not Path(settings.seal_certificate).expanduser().is_file():
        problems["seal_certificate"] = _("There is no certificate file at this place.")
    for number, profile in enumerate(settings.profiles):
        if not profile.name.strip():
            problems[f"profiles[{number}].name"] = _("Enter the surgeon's name.")
    if settings.profiles:
        if not 0 <= settings.current_profile < len(settings.profiles):
            problems["current_profile"] = _("Choose the surgeon who is consulting.")
    elif settings.current_profile != -1:
        problems["current_profile"] = _("There is no surgeon profile to choose.")
    return problems


def hospital_problems(hospital: HospitalRecord) -> dict[str, str]:
    """What is wrong in Settings › Hospital record, by field ("hospital.mllp_port", …)."""
    problems: dict[str, str] = {}
    if hospital.mllp_host.strip() and not 1 <= hospital.mllp_port <= 65535:
        problems["hospital.mllp_port"] = _("Enter the port of the HL7 receiver (1 to 65535).")
    url = hospital.fhir_base_url.strip()
    if url and not url.startswith(("https://", "http://")):
        problems["hospital.fhir_base_url"] = _("Enter the address of the FHIR server, starting with https://.")
    if hospital.fhir_auth not in FHIR_AUTHENTICATIONS:
        problems["hospital.fhir_auth"] = _("Choose how ConsultAid signs in to the FHIR server.")
    elif url and hospital.fhir_auth == "client_certificate" and not hospital.fhir_certificate_file.strip():
        problems["hospital.fhir_certificate_file"] = _("Choose the client certificate file.")
    for name in ("mllp_ca_file", "fhir_ca_file", "fhir_certificate_file", "fhir_key_file"):
        value = getattr(hospital, name).strip()
        if value and not Path(value).expanduser().is_file():
            problems["hospital." + name] = _("There is no certificate file at this place.")
    if hospital.destinations() and not hospital.identifier_authority.strip():
        problems["hospital.identifier_authority"] = _("Enter the assigning authority of the patient identifiers.")
    return problems


__all__ = ["RECORD_STORES", "Clinic", "ClinicServer", "HospitalRecord", "Settings", "SurgeonProfile", "config_dir",
           "hospital_problems", "load_settings", "logo_problem", "save_settings", "settings_path", "validate"]
