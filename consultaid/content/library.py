"""Loads every procedure pack under a content folder. A broken pack is set aside with its problems;
the others still load, so one bad file never takes the whole library down.

The validator (YAML parser, JSON schema) is imported only when a pack has to be validated, and the model
(content/model.py) only when a pack is built: a start on an unchanged library lists every pack, and shows
the first one's overview, from the cache alone."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from consultaid.content import PACK_FILE
from consultaid.i18n import _

if TYPE_CHECKING:
    from collections.abc import Generator, Iterator

    from consultaid.content.checking import Checked
    from consultaid.content.durations import Duration
    from consultaid.content.model import Milestone, Outcome, ProcedurePack
    from consultaid.content.pack_cache import PackCache
    from consultaid.content.problems import Problem
    from consultaid.content.validation import PackCheck


# Named tuples, not dataclasses: the app's first screen lists the packs, and a frozen dataclass costs
# about half a millisecond to make at import (plus the dataclasses module).
class BrokenPack(NamedTuple):
    folder: Path
    problems: tuple[Problem, ...]


class PackListing(NamedTuple):
    """What the procedure pickers show of a pack, without building it: id, languages, titles and
    summaries (with their figures already filled in), and the overview beside the list: version,
    fingerprint, how many risks, benefits and milestones, and per language the section titles, the
    sources (text, file) and the surgeon's review notes (figures filled in)."""

    id: str
    folder: Path
    languages: tuple[str, ...]
    titles: dict[str, str]
    summaries: dict[str, str]
    version: str
    fingerprint: str
    counts: tuple[int, int, int]   # risks, benefits, milestones
    about: dict[str, dict[str, list[Any]]]

    def title(self, language: str) -> str:
        return self.titles[language]

    def summary(self, language: str) -> str:
        return self.summaries[language]

    @property
    def short_fingerprint(self) -> str:
        return self.fingerprint[:12]

    @classmethod
    def of(cls, pack: ProcedurePack) -> PackListing:
        from consultaid.content.wording import render

        def words(language: str, collection: str, item_id: str, key: str = "") -> str:
            entry = pack.texts[language].entry(collection, item_id)   # validated: a text, or texts by key
            return str(entry[key] if isinstance(entry, dict) else entry)

        about: dict[str, dict[str, list[Any]]] = {language: {
            "sections": [words(language, "sections", section.id, "title") for section in pack.sections],
            "sources": [[words(language, "sources", source.id), source.file] for source in pack.sources],
            "reviews": [render(pack, language, words(language, "reviews", review.id)) for review in pack.reviews],
        } for language in pack.texts}
        return cls(pack.id, pack.folder, tuple(pack.texts),
                   {language: texts.title for language, texts in pack.texts.items()},
                   {language: render(pack, language, texts.summary) for language, texts in pack.texts.items()},
                   pack.version, pack.fingerprint, (len(pack.risks), len(pack.benefits), len(pack.milestones)),
                   about)

    @classmethod
    def from_data(cls, folder: Path, data: dict[str, Any], fingerprint: str) -> PackListing:
        """A listing as `as_data` gave it (from the cache index, or from a validation just made)."""
        risks, benefits, milestones = data["counts"]
        return cls(data["id"], folder, tuple(data["languages"]), data["titles"], data["summaries"],
                   data["version"], fingerprint, (risks, benefits, milestones), data["about"])

    def as_data(self) -> dict[str, Any]:
        return {"id": self.id, "languages": list(self.languages), "titles": self.titles, "summaries": self.summaries,
                "version": self.version, "counts": list(self.counts), "about": self.about}


class ContentLibrary:
    """The packs of a content folder. Each pack is listed from the start; its full model is built the
    first time it is asked for (from the cache, or validated again), so opening a large library only
    costs its listings."""

    def __init__(self, cache: PackCache | None = None) -> None:
        self.broken: list[BrokenPack] = []
        self.listings: list[PackListing] = []
        self._by_id: dict[str, PackListing] = {}
        self._built: dict[str, ProcedurePack] = {}
        self._keys: dict[str, str] = {}
        self._cache = cache

    @property
    def packs(self) -> list[ProcedurePack]:
        """Every pack, built (all of them: for tools and checks, not for the pickers)."""
        return [pack for pack in (self.get(listing.id) for listing in self.listings) if pack is not None]

    def in_language(self, language: str) -> list[PackListing]:
        """Packs that can be shown in this language, sorted by their title in it."""
        found = [listing for listing in self.listings if language in listing.titles]
        return sorted(found, key=lambda listing: listing.title(language).casefold())

    def add(self, listing: PackListing, key: str | None = None, pack: ProcedurePack | None = None) -> None:
        """List a pack; `key` finds its cached data, `pack` is its model if it was just built."""
        self.listings.append(listing)
        self._by_id[listing.id] = listing
        if key is not None:
            self._keys[listing.id] = key
        if pack is not None:
            self._built[listing.id] = pack

    def listing(self, pack_id: str) -> PackListing | None:
        return self._by_id.get(pack_id)

    def get(self, pack_id: str) -> ProcedurePack | None:
        if pack_id not in self._built:
            listing = self.listing(pack_id)
            if listing is None:
                return None
            pack = self._build_listed(listing)
            if pack is None:
                return None
            self._built[pack_id] = pack
        return self._built[pack_id]

    def _build_listed(self, listing: PackListing) -> ProcedurePack | None:
        """A listed pack's model: from its cached data, or (if that is gone) validated again; None if it
        no longer passes or is no longer the pack that was listed."""
        key = self._keys.get(listing.id)
        data = self._cache.pack_data(key) if self._cache is not None and key else None
        pack: ProcedurePack | None
        if data is not None:
            pack = pack_from_data(listing.folder, data)
        else:
            pack, _check = load_pack(listing.folder)
        return pack if pack is not None and pack.id == listing.id else None


def pack_folders(path: Path) -> list[Path]:
    """A pack folder itself, or the pack folders directly inside a content folder."""
    if (path / PACK_FILE).is_file():
        return [path]
    return sorted(child for child in path.iterdir() if child.is_dir() and not child.name.startswith("."))


def load_pack(folder: Path, sources_dir: Path | None = None) -> tuple[ProcedurePack | None, PackCheck]:
    from consultaid.content.validation import check_pack

    check = check_pack(folder, sources_dir)
    if not check.ok:
        return None, check
    return build_pack(check), check


def load_library(root: Path, use_cache: bool = True) -> ContentLibrary:
    """Every pack under `root`. Packs whose files have not changed since they last passed validation are
    listed from the cache (content/pack_cache.py); the others are validated now (content/checking.py: on
    every core when there are many)."""
    from consultaid.content.pack_cache import PackCache

    cache = PackCache(root) if use_cache else None
    library = ContentLibrary(cache=cache)
    folders = pack_folders(root)
    keys = {folder: cache.key(folder) if cache else None for folder in folders}
    cached = {folder: cache.listing(folder, keys[folder]) if cache else None for folder in folders}
    checked = _validated([folder for folder in folders if cached[folder] is None])
    try:
        _list_packs(library, cache, folders, keys, cached, checked)
    finally:
        checked.close()   # the workers stop even if listing failed half way
    if cache:
        cache.save()
    return library


def _validated(folders: list[Path]) -> Generator[tuple[Path, Checked]]:
    """content/checking.py's validations, in order; the module (and what it imports) only when there is
    something to validate, which a start on an unchanged library never has."""
    if folders:
        from consultaid.content.checking import checked_in_order

        yield from checked_in_order(folders)


def _list_packs(library: ContentLibrary, cache: PackCache | None, folders: list[Path],
                keys: dict[Path, str | None], cached: dict[Path, Any],
                checked: Iterator[tuple[Path, Checked]]) -> None:
    """Each pack into the library, from its cached listing or from its validation (in the same order)."""
    seen_ids: dict[str, Path] = {}
    for folder in folders:
        listed = cached[folder]
        pack = None
        if listed is not None:
            listing = PackListing.from_data(folder, listed, listed["fingerprint"])
        else:
            checked_folder, (validated, problems) = next(checked)
            assert checked_folder == folder   # the validations come in the order asked
            if validated is None:
                library.broken.append(BrokenPack(folder, problems))
                continue
            listed = validated.listing
            listing = PackListing.from_data(folder, listed, validated.fingerprint)
            # Filed as the validation made it; the model is built now only if the cache cannot give it later.
            kept = cache is not None and validated.cache_text is not None and cache.put_text(
                folder, keys[folder], listed, validated.cache_text, validated.fingerprint)
            if not kept:
                pack = pack_from_data(folder, validated.pack_data())
        if listing.id in seen_ids:
            # Checked here, not by validation, as it depends on the other packs.
            from consultaid.content.problems import Problem

            problem = Problem(folder / PACK_FILE, _id_line(folder), "id",
                              _("duplicate pack id '{id}' (also in {folder})").format(
                                  id=listing.id, folder=seen_ids[listing.id]))
            library.broken.append(BrokenPack(folder, (problem,)))
            continue
        seen_ids[listing.id] = folder
        library.add(listing, keys[folder], pack)


def _id_line(folder: Path) -> int:
    """The line of `id:` in pack.yaml, read again only for this rare problem."""
    from consultaid.content.yaml_source import YamlRejected, load_yaml

    try:
        return load_yaml(folder / PACK_FILE).line_of(("id",))
    except YamlRejected:
        return 1


def _duration(text: str | None) -> Duration | None:
    from consultaid.content.durations import Duration

    return Duration.parse(text) if text is not None else None


def _outcome(data: dict[str, Any]) -> Outcome:
    from consultaid.content.model import Outcome, RiskEstimate

    fields = ("unit", "value", "low", "high", "upper", "verbal", "group", "window")
    estimates = tuple(
        RiskEstimate(source=estimate["source"], **{name: estimate.get(name) for name in fields})
        for estimate in data["estimates"]
    )
    return Outcome(id=data["id"], estimates=estimates, within=data.get("within"))


def _milestone(data: dict[str, Any]) -> Milestone:
    from consultaid.content.model import Milestone

    lasts = data.get("lasts") or {}
    return Milestone(
        id=data["id"],
        kind=data["kind"],
        sources=tuple(data["sources"]),
        at=_duration(data.get("at")),
        start=_duration(data.get("from")),
        end=_duration(data.get("to")),
        lasts_low=_duration(lasts.get("low")),
        lasts_high=_duration(lasts.get("high")),
        until=_duration(data.get("until")),
        every=_duration(data.get("every")),
    )


def pack_data(check: PackCheck) -> dict[str, Any]:
    """What a pack's model is built from, as plain data (what the cache keeps)."""
    from consultaid.content.validation import fingerprint

    if check.facts is None:
        raise ValueError("only a pack that passed validation has data to build from")

    return {"facts": check.facts.data,
            "texts": {language: document.data for language, document in check.texts.items()},
            "fingerprint": fingerprint(check)}


def build_pack(check: PackCheck) -> ProcedurePack:
    """The model of a pack that passed validation (so every field has its documented shape)."""
    return pack_from_data(check.folder, pack_data(check))


def pack_from_data(folder: Path, pack: dict[str, Any]) -> ProcedurePack:
    from consultaid.content.model import (
        Alternative,
        AuthoredQuestion,
        PackTexts,
        ProcedurePack,
        QuotedValue,
        ReviewFlag,
        Section,
        Source,
    )

    data = pack["facts"]
    return ProcedurePack(
        id=data["id"],
        version=data["version"],
        folder=folder,
        languages=tuple(data["languages"]),
        sources=tuple(Source(s["id"], s["file"], s["language"]) for s in data["sources"]),
        sections=tuple(Section(s["id"], s["topic"], tuple(s["sources"]), s.get("illustration"))
                       for s in data["sections"]),
        values={name: QuotedValue(name=name, **value) for name, value in (data.get("values") or {}).items()},
        benefits=tuple(_outcome(item) for item in data.get("benefits") or []),
        risks=tuple(_outcome(item) for item in data["risks"]),
        milestones=tuple(_milestone(item) for item in data["milestones"]),
        alternatives=tuple(Alternative(a["id"], tuple(a["sources"])) for a in data.get("alternatives") or []),
        reviews=tuple(ReviewFlag(r["id"], r["about"], tuple(r["sources"])) for r in data.get("reviews") or []),
        texts={language: PackTexts(language, texts) for language, texts in pack["texts"].items()},
        fingerprint=pack["fingerprint"],
        questions=tuple(AuthoredQuestion(q["id"], tuple(q["answers"])) for q in data.get("questions") or []),
    )
