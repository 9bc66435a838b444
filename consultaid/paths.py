"""Where ConsultAid finds its bundled files and keeps the user's data.

No Qt here: the command line and the tests resolve the same places as the GUI.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

APP_DIR_NAME = "ConsultAid"


def install_root() -> Path:
    """The folder that holds `resources/` and `content/`: the frozen bundle or the source checkout."""
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        return Path(frozen_root)
    return Path(__file__).resolve().parent.parent


def resources_dir() -> Path:
    return install_root() / "resources"


def bundled_content_dir() -> Path:
    override = os.environ.get("CONSULTAID_CONTENT_DIR")
    return Path(override) if override else install_root() / "content"


def schema_dir() -> Path:
    return resources_dir() / "schema"


def _user_dir(override_variable: str, windows: tuple[str, str], xdg: tuple[str, str]) -> Path:
    """The app's folder in the platform's per-user location of one kind (data or configuration)."""
    override = os.environ.get(override_variable)
    if override:
        return Path(override)
    if sys.platform == "win32":
        base = Path(os.environ.get(windows[0]) or Path.home() / "AppData" / windows[1])
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get(xdg[0]) or Path.home() / xdg[1])
    return base / APP_DIR_NAME


def user_data_dir() -> Path:
    """The platform's per-user data folder; `CONSULTAID_DATA_DIR` overrides it (tests always set it)."""
    return _user_dir("CONSULTAID_DATA_DIR", ("LOCALAPPDATA", "Local"), ("XDG_DATA_HOME", ".local/share"))


def user_config_dir() -> Path:
    """The platform's per-user configuration folder; `CONSULTAID_CONFIG_DIR` overrides it."""
    return _user_dir("CONSULTAID_CONFIG_DIR", ("APPDATA", "Roaming"), ("XDG_CONFIG_HOME", ".config"))


def user_cache_dir() -> Path:
    """Where ConsultAid keeps what it can always rebuild (validated content); `CONSULTAID_CACHE_DIR`
    overrides it. Never patient data."""
    override = os.environ.get("CONSULTAID_CACHE_DIR")
    if override:
        return Path(override)
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / APP_DIR_NAME
    if sys.platform == "win32":
        return Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local") / APP_DIR_NAME / "Cache"
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / APP_DIR_NAME
