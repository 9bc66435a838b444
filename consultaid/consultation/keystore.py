"""The key that encrypts the record database: 256 random bits, one key per data folder. No Qt.

Where it is kept, in this order of preference:
1. The operating system's keyring (Windows Credential Manager, macOS Keychain, the Secret Service of a
   Linux desktop), through the `keyring` library, under the service "ConsultAid" and an account named
   after the data folder. The keyring is unlocked by the user's login, and the key is never a file.
2. Where there is no keyring (a headless or minimal Linux session) or `CONSULTAID_KEY_STORE=file`: an
   owner-only (0600) file in the user's *configuration* folder, not the data folder. A key beside the
   database it locks would travel with every copy or backup of that folder; in a separate folder a copy
   of the data alone stays unreadable. It does not protect against someone who can read the whole disk
   as this user: that is what disk encryption is for. The app warns when it uses this fallback.

Losing the key loses the records: `consultaid records key export` makes a copy to keep apart (docs/it.md).

The installation's seal key (report/seal.py) is protected the same way: where there is a keyring, its PEM
file is encrypted under a random passphrase kept in the keyring (`seal_key_passphrase`); where there is
none, the file is not encrypted and the warnings say so. docs/security.md says what each protects.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from consultaid.i18n import _

log = logging.getLogger(__name__)

SERVICE = "ConsultAid"
# "file" skips the keyring (for a keyring that does not survive a reboot, or one that asks every time).
STORE_VARIABLE = "CONSULTAID_KEY_STORE"
_HEX_KEY = re.compile(r"^[0-9a-f]{64}$")

if TYPE_CHECKING:
    from keyring.backend import KeyringBackend


class KeyUnavailable(Exception):
    """The key could not be read or kept; the message is worded for the user."""


@dataclass(frozen=True)
class DatabaseKey:
    hex: str
    place: str                 # "keyring" or "file"
    file: Path | None = None   # the key file, when place == "file"

    @property
    def pragma_value(self) -> str:
        """SQLCipher's raw-key form: the 256 bits are used as they are, so no slow key derivation runs."""
        return f"\"x'{self.hex}'\""

    @property
    def warning(self) -> str | None:
        if self.place != "file":
            return None
        return _("No system keyring is available: the database key is kept in the file {path}, readable by "
                 "this user account only. Anyone who can read this account's files can read the records, and "
                 "seal documents with this installation's seal key, which is not encrypted either; use disk "
                 "encryption, and keep a copy of the key apart from backups (see the IT guide and "
                 "docs/security.md).").format(path=self.file)


def account_name(data_dir: Path) -> str:
    """The keyring account: one key per data folder, named by its absolute path (not patient data)."""
    return f"database-key {Path(data_dir).resolve()}"


def key_file_path(data_dir: Path) -> Path:
    from consultaid.paths import user_config_dir

    digest = hashlib.sha256(str(Path(data_dir).resolve()).encode("utf-8")).hexdigest()[:16]
    return user_config_dir() / "keys" / f"database-{digest}.key"


def _keyring_wanted() -> bool:
    return os.environ.get(STORE_VARIABLE, "").strip().lower() != "file"


def _keyring() -> KeyringBackend | None:
    """The keyring backend, or None when there is no usable one (the `fail` backend, or none at all)."""
    import keyring
    from keyring.backends import fail

    backend = keyring.get_keyring()
    if isinstance(backend, fail.Keyring) or getattr(backend, "priority", 1) <= 0:
        return None
    return backend


def _read_file(path: Path) -> str | None:
    try:
        text = path.read_text(encoding="ascii")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeError) as error:
        raise KeyUnavailable(_("The database key file {path} could not be read: {reason}").format(
            path=path, reason=getattr(error, "strerror", None) or error)) from error
    for line in text.splitlines():
        line = line.strip().lower()
        if line and not line.startswith("#"):
            if _HEX_KEY.match(line):
                return line
            break
    raise KeyUnavailable(_("The database key file {path} does not hold a key.").format(path=path))


def find_key(data_dir: Path) -> DatabaseKey | None:
    """The data folder's key, or None if there is none anywhere. The file is looked at first: it costs no
    keyring start-up (~0.1 s), and it exists only where the keyring was not used."""
    path = key_file_path(data_dir)
    found = _read_file(path)
    if found:
        return DatabaseKey(found, "file", path)
    if not _keyring_wanted():
        return None
    try:
        backend = _keyring()
        found = backend.get_password(SERVICE, account_name(data_dir)) if backend else None
    except Exception as error:  # a keyring that is locked, refused or gone: any error means "not here"
        log.warning("the system keyring could not be read: %s", type(error).__name__)
        return None
    if found and _HEX_KEY.match(found.strip().lower()):
        return DatabaseKey(found.strip().lower(), "keyring")
    return None


def create_key(data_dir: Path) -> DatabaseKey:
    """A new random key, kept in the keyring if there is one that keeps it, otherwise in the key file."""
    return keep_key(data_dir, secrets.token_bytes(32).hex(), replace=False)


def keep_key(data_dir: Path, value: str, replace: bool = True) -> DatabaseKey:
    """Keeps `value` as the data folder's key: in the keyring if there is one that keeps it (checked by
    reading it back), otherwise in the key file. `replace=False` never writes over an existing file."""
    path = key_file_path(data_dir)
    if replace and path.exists():
        # Set aside, never deleted: a key is the only way into the records it was made for.
        path.rename(path.with_name(f"{path.name}.replaced-{time.strftime('%Y%m%d-%H%M%S')}"))
    if _keyring_wanted():
        try:
            backend = _keyring()
            if backend is not None:
                backend.set_password(SERVICE, account_name(data_dir), value)
                if backend.get_password(SERVICE, account_name(data_dir)) == value:
                    return DatabaseKey(value, "keyring")
        except Exception as error:
            log.warning("the system keyring could not keep the database key: %s", type(error).__name__)
    return DatabaseKey(value, "file", write_key_file(data_dir, value, path))


def read_key_file(path: Path) -> str:
    """The key in a key file (this module's format: comment lines, then 64 hex digits)."""
    found = _read_file(Path(path))
    if found is None:
        raise KeyUnavailable(_("{path}: no such file").format(path=path))
    return found


def write_key_file(data_dir: Path, value: str, path: Path | None = None) -> Path:
    """Writes the key to a new owner-only file (never over an existing one: that could lose a key)."""
    path = path or key_file_path(data_dir)
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="ascii") as handle:
            handle.write(f"# ConsultAid database key for {Path(data_dir).resolve()}\n{value}\n")
            handle.flush()
            os.fsync(handle.fileno())
    except OSError as error:
        raise KeyUnavailable(_("The database key could not be kept in {path}: {reason}").format(
            path=path, reason=error.strerror or error)) from error
    return path


SEAL_KEY_SERVICE = "ConsultAid seal key"


def seal_key_passphrase(data_dir: Path, create: bool = False) -> bytes | None:
    """The passphrase that encrypts this installation's seal key at rest, from the keyring (`create`: a new
    random one is kept there first). None when there is no usable keyring, or (without `create`) when it
    holds none: the caller then says so, and never falls back silently."""
    if not _keyring_wanted():
        return None
    account = f"seal-key {Path(data_dir).resolve()}"
    try:
        backend = _keyring()
        if backend is None:
            return None
        if create:
            value = secrets.token_bytes(32).hex()
            backend.set_password(SEAL_KEY_SERVICE, account, value)
        found = backend.get_password(SEAL_KEY_SERVICE, account)
    except Exception as error:   # a keyring that is locked, refused or gone
        log.warning("the system keyring could not be used for the seal key: %s", type(error).__name__)
        return None
    if create and found != value:
        return None   # a keyring that does not keep what it is given
    return found.encode("ascii") if found else None
