"""The key that proves a validated-pack cache entry was written by this installation. No Qt.

The pack cache (content/pack_cache.py) lives in the user cache folder, which anything may clean, copy or
edit. A cached entry holds figures a patient will be shown and a summary will seal, so it is used only
if its HMAC-SHA256 under this key is right. The key is 256 random bits in an owner-only (0600) file in
the user *configuration* folder, never in the cache folder: a cache folder copied from another machine,
or edited by a tool that only knows the cache, cannot carry a valid entry. It does not stop someone who
can read and write every file of this account (see docs/security.md): that person can also edit the packs
themselves. Without the key (no configuration folder, unreadable file) the cache is simply not used.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from pathlib import Path

KEY_FILE = "content-cache.key"
_HEX_KEY = re.compile(r"[0-9a-f]{64}")


def key_path() -> Path:
    from consultaid.paths import user_config_dir

    return user_config_dir() / KEY_FILE


def cache_key() -> bytes | None:
    """This installation's cache key, made on first use (or again if the file is damaged: the entries
    sealed with the old one are then only validated again); None if it can be neither read nor made."""
    from consultaid.files import write_atomically

    path = key_path()
    key = _read(path)
    if key is not None:
        return key
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # Written whole or not at all (0600). Two first starts at once may each write one: the later wins,
        # and what the other sealed is validated again at the next start.
        write_atomically(path, (secrets.token_hex(32) + "\n").encode("ascii"), durable=False)
    except OSError:
        return None
    return _read(path)


def _read(path: Path) -> bytes | None:
    try:
        text = path.read_text(encoding="ascii").strip()
    except (OSError, ValueError):
        return None
    return bytes.fromhex(text) if _HEX_KEY.fullmatch(text) else None


def seal(key: bytes, purpose: str, body: bytes) -> str:
    """The HMAC of `body`, bound to what it is (`purpose`: which file, which pack), so an entry cannot
    be moved to another place in the cache and still pass."""
    return hmac.new(key, purpose.encode("utf-8") + b"\0" + body, hashlib.sha256).hexdigest()


def is_sealed(key: bytes, purpose: str, body: bytes, mac: object) -> bool:
    return isinstance(mac, str) and hmac.compare_digest(seal(key, purpose, body), mac)
