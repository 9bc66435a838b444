"""Validated packs kept between starts, so a library of a thousand procedures opens in a moment.

Validating a pack (YAML parsing, the JSON schema, the cross-checks) costs milliseconds per pack, and a
clinic's library grows for years. What validation concludes depends only on the bytes of the pack's
files, on the validator's own code and on what it checks against outside the pack (schemas,
illustrations, translations). Each pack is cached under a key: the SHA-256 of all of these. Any changed
byte gives another key, and the pack is validated again. Reading and hashing the files costs far less
than parsing them.

Layout, in the user cache folder: `content/<root>/index.json` lists, per pack folder, its key and what
the procedure picker shows (id, languages, titles, summaries, and the overview beside the list: version,
counts, section titles, sources, review notes); `content/<root>/<key>.json` holds the
pack's data, read only when the pack is opened. Data files are named by their key, so a data file can
never belong to other bytes than the ones it was validated from.

A cached entry is used only once it is proved to be the pack it claims (an entry that fails any check is
validated again, as if there were no cache). Each index entry carries the pack's content fingerprint and
an HMAC over the whole entry (its key, picker texts and fingerprint) under a key kept outside the cache
folder (content/cache_seal.py): an entry edited in place or copied from elsewhere fails it. The data file
carries no trust of its own: when a pack is opened, its fingerprint is recomputed from the cached facts
and texts themselves and must equal the sealed one, so the figures shown, signed and sealed are always
those of the pack whose fingerprint the summary prints.

Only packs that passed are cached: a broken pack is checked again at every start, so its problems are
always reported, worded in the current language. The cache is JSON, never pickle (a file in the cache
folder must not be able to run code), and written atomically. A cache that is unreadable, damaged or
cannot be written only means validating again: never an error the user sees.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

from consultaid import __version__
from consultaid.content.cache_seal import cache_key, is_sealed, seal

# 2: sealed index entries with the content fingerprint; 3: entries also carry the picker's overview (version,
# counts, section titles, sources, review notes), so the first screen never builds a pack.
CACHE_FORMAT = 3
INDEX_NAME = "index.json"

# A JSON object as read back from the cache: every field is checked before it is trusted.
JsonObject = dict[str, Any]


def validator_fingerprint() -> str:
    """What, outside a pack's own files, its validation and its picker entry depend on."""
    from consultaid.paths import resources_dir, schema_dir

    package = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256(f"{CACHE_FORMAT}|{__version__}".encode())
    # The validator's and the wording's code. A frozen bundle has no .py files: its version stands for it.
    code = sorted((package / "content").glob("*.py")) + [package / "formatting.py", package / "i18n.py"]
    for path in code + sorted(schema_dir().glob("*")) + sorted((resources_dir() / "i18n").glob("*.po")):
        digest.update(path.name.encode("utf-8") + b"\0" + _file_bytes(path))
    illustrations = resources_dir() / "illustrations"
    for name in sorted(os.listdir(illustrations)) if illustrations.is_dir() else []:
        digest.update(name.encode("utf-8") + b"\0")
    return digest.hexdigest()


def folder_key(folder: Path, validator: str) -> str | None:
    """The SHA-256 of the validator and of every file directly in the pack folder (names and bytes);
    None if the folder cannot be read (the pack is then simply validated)."""
    digest = hashlib.sha256(validator.encode())
    try:
        for name, path in sorted((entry.name, entry.path) for entry in os.scandir(folder) if entry.is_file()):
            with open(path, "rb") as handle:
                content = handle.read()
            digest.update(f"{name}\0{len(content)}\0".encode())
            digest.update(content)
    except OSError:
        return None
    return digest.hexdigest()


class PackCache:
    """The cached packs of one content folder."""

    def __init__(self, root: Path, cache_dir: Path | None = None):
        from consultaid.paths import user_cache_dir

        name = hashlib.sha256(str(Path(root).resolve()).encode("utf-8")).hexdigest()[:24]
        self.folder = (cache_dir or user_cache_dir()) / "content" / name
        self.validator = validator_fingerprint()
        self._seal_key = cache_key()
        self._old = self._read_index() if self._seal_key is not None else {}
        self._new: dict[str, JsonObject] = {}
        self._fingerprints: dict[str, str] = {}  # key -> the sealed content fingerprint of that pack

    def key(self, folder: Path) -> str | None:
        return folder_key(folder, self.validator)

    def listing(self, folder: Path, key: str | None) -> JsonObject | None:
        """The picker entry of a pack whose files are byte for byte those that passed validation."""
        entry = self._old.get(folder.name)
        if key is None or not isinstance(entry, dict) or entry.get("key") != key or not _is_listing(entry):
            return None
        if self._seal_key is None:  # no key: _old is empty and this is never reached; said for the type checker
            return None
        if not is_sealed(self._seal_key, self._purpose(folder.name), _entry_body(entry), entry.get("mac")):
            return None
        self._new[folder.name] = entry
        self._fingerprints[key] = entry["fingerprint"]
        return entry

    def put_text(self, folder: Path, key: str | None, listing: JsonObject, text: str, fingerprint: str) -> bool:
        """Keep a pack that has just passed validation: its data file's text (`cache_text` of its data, whose
        fingerprint is `fingerprint`, made where it was validated: a worker process at the first start after
        a library changed), and its sealed listing. JSON gives that text back as exactly the data, so a pack
        read from the cache is exactly the pack validation built. True if it was kept."""
        if key is None or self._seal_key is None or _json_round_trip(listing) != listing:
            return False
        if not _write_text_atomically(self.folder / f"{key}.json", text):
            return False
        entry = dict(listing, key=key, fingerprint=fingerprint)
        entry["mac"] = seal(self._seal_key, self._purpose(folder.name), _entry_body(entry))
        self._new[folder.name] = entry
        self._fingerprints[key] = fingerprint
        return True

    def pack_data(self, key: str) -> JsonObject | None:
        """The cached data of a pack listed this time, or None unless its content is, recomputed from the
        data itself, exactly the content whose fingerprint the sealed index entry holds."""
        from consultaid.content.fingerprint import content_fingerprint

        expected = self._fingerprints.get(key)
        if expected is None:
            return None
        try:
            data = json.loads((self.folder / f"{key}.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(data, dict) or data.get("format") != CACHE_FORMAT or not isinstance(data.get("pack"), dict):
            return None
        pack: JsonObject = data["pack"]
        if not isinstance(pack.get("texts"), dict) or pack.get("fingerprint") != expected:
            return None
        if content_fingerprint(pack.get("facts"), pack["texts"]) != expected:
            return None
        return pack

    def save(self) -> None:
        """Write the index if it changed, listing only the packs seen this time; data files no pack uses
        any more are removed, so the cache does not grow with every edit."""
        if self._new == self._old:
            return
        if not _write_atomically(self.folder / INDEX_NAME, {"format": CACHE_FORMAT, "packs": self._new}):
            return
        wanted = {f"{entry['key']}.json" for entry in self._new.values()} | {INDEX_NAME}
        try:
            for path in self.folder.iterdir():
                if path.name not in wanted and path.suffix == ".json":
                    path.unlink(missing_ok=True)
        except OSError:
            pass

    def _purpose(self, folder_name: str) -> str:
        # Bound to this content folder's cache and to the pack folder: a sealed entry moved elsewhere fails.
        return f"index/{self.folder.name}/{folder_name}"

    def _read_index(self) -> dict[str, object]:
        try:
            data = json.loads((self.folder / INDEX_NAME).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        if not isinstance(data, dict) or data.get("format") != CACHE_FORMAT or not isinstance(data.get("packs"), dict):
            return {}
        packs: dict[str, object] = data["packs"]
        return packs


def cache_text(pack_data: JsonObject) -> str | None:
    """The text of a pack's data file, or None unless JSON reads it back as exactly `pack_data` (encoded
    once: the same text is checked and written)."""
    try:
        text = json.dumps({"format": CACHE_FORMAT, "pack": pack_data}, ensure_ascii=False, separators=(",", ":"))
    except (TypeError, ValueError):
        return None   # a value JSON has no form for
    return text if json.loads(text)["pack"] == pack_data else None


def _entry_body(entry: JsonObject) -> bytes:
    """What an index entry's MAC covers: every field but the MAC, in one canonical form."""
    body = {name: value for name, value in entry.items() if name != "mac"}
    return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _is_listing(entry: JsonObject) -> bool:
    """An index entry of the shape `put_text` writes (a damaged or hand-edited one is validated again)."""
    languages, titles, summaries = entry.get("languages"), entry.get("titles"), entry.get("summaries")
    counts, about = entry.get("counts"), entry.get("about")
    return (isinstance(entry.get("id"), str) and isinstance(entry.get("fingerprint"), str)
            and isinstance(entry.get("version"), str)
            and isinstance(languages, list)
            and all(isinstance(language, str) for language in languages)
            and all(isinstance(texts, dict) and set(texts) == set(languages)
                    and all(isinstance(text, str) for text in texts.values()) for texts in (titles, summaries))
            and isinstance(counts, list) and len(counts) == 3 and all(type(count) is int for count in counts)
            and isinstance(about, dict) and set(about) == set(languages)
            and all(_is_overview(overview) for overview in about.values()))


def _is_overview(overview: object) -> bool:
    """One language's overview in a listing: section titles, sources as [text, file], review notes."""
    if not isinstance(overview, dict) or set(overview) != {"sections", "sources", "reviews"}:
        return False
    sections, sources, reviews = overview["sections"], overview["sources"], overview["reviews"]
    return (isinstance(sections, list) and all(isinstance(title, str) for title in sections)
            and isinstance(reviews, list) and all(isinstance(note, str) for note in reviews)
            and isinstance(sources, list)
            and all(isinstance(source, list) and len(source) == 2 and all(isinstance(part, str) for part in source)
                    for source in sources))


def _json_round_trip(data: object) -> object:
    return json.loads(json.dumps(data, ensure_ascii=False))


def _write_atomically(path: Path, data: JsonObject) -> bool:
    return _write_text_atomically(path, json.dumps(data, ensure_ascii=False, separators=(",", ":")))


def _write_text_atomically(path: Path, text: str) -> bool:
    from consultaid.files import write_atomically

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # Not synced to disk: a cache lost in a power cut is only made again.
        write_atomically(path, text.encode("utf-8"), durable=False)
    except OSError:
        return False  # a cache that cannot be written only costs the next start some time
    return True


def _file_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError:
        return b""
