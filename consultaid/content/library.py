"""Loads every procedure pack under a content folder. A broken pack is set aside with its problems;
the others still load, so one bad file never takes the whole library down."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from consultaid.content.durations import Duration
from consultaid.content.model import (
    Alternative,
    Milestone,
    Outcome,
    PackTexts,
    ProcedurePack,
    QuotedValue,
    ReviewFlag,
    RiskEstimate,
    Section,
    Source,
)
from consultaid.content.problems import Problem
from consultaid.content.validation import PACK_FILE, PackCheck, check_pack, fingerprint
from consultaid.i18n import _


@dataclass(frozen=True)
class BrokenPack:
    folder: Path
    problems: tuple[Problem, ...]


@dataclass
class ContentLibrary:
    packs: list[ProcedurePack] = field(default_factory=list)
    broken: list[BrokenPack] = field(default_factory=list)

    def in_language(self, language: str) -> list[ProcedurePack]:
        """Packs that can be shown in this language, sorted by their title in it."""
        found = [pack for pack in self.packs if language in pack.texts]
        return sorted(found, key=lambda pack: pack.title(language).casefold())

    def get(self, pack_id: str) -> ProcedurePack | None:
        return next((pack for pack in self.packs if pack.id == pack_id), None)


def pack_folders(path: Path) -> list[Path]:
    """A pack folder itself, or the pack folders directly inside a content folder."""
    if (path / PACK_FILE).is_file():
        return [path]
    return sorted(child for child in path.iterdir() if child.is_dir() and not child.name.startswith("."))


def load_pack(folder: Path, sources_dir: Path | None = None) -> tuple[ProcedurePack | None, PackCheck]:
    check = check_pack(folder, sources_dir)
    if not check.ok:
        return None, check
    return build_pack(check), check


def load_library(root: Path) -> ContentLibrary:
    library = ContentLibrary()
    seen_ids: dict[str, Path] = {}
    for folder in pack_folders(root):
        pack, check = load_pack(folder)
        if pack is None:
            library.broken.append(BrokenPack(folder, tuple(check.problems)))
        elif pack.id in seen_ids:
            problem = Problem(folder / PACK_FILE, check.facts.line_of(("id",)), "id",
                              _("duplicate pack id '{id}' (also in {folder})").format(
                                  id=pack.id, folder=seen_ids[pack.id]))
            library.broken.append(BrokenPack(folder, (problem,)))
        else:
            seen_ids[pack.id] = folder
            library.packs.append(pack)
    return library


def _duration(text: str | None) -> Duration | None:
    return Duration.parse(text) if text is not None else None


def _outcome(data: dict) -> Outcome:
    fields = ("unit", "value", "low", "high", "upper", "verbal", "group", "window")
    estimates = tuple(
        RiskEstimate(source=estimate["source"], **{name: estimate.get(name) for name in fields})
        for estimate in data["estimates"]
    )
    return Outcome(id=data["id"], estimates=estimates, within=data.get("within"))


def _milestone(data: dict) -> Milestone:
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


def build_pack(check: PackCheck) -> ProcedurePack:
    """The model of a pack that passed validation (so every field has its documented shape)."""
    data = check.facts.data
    return ProcedurePack(
        id=data["id"],
        version=data["version"],
        folder=check.folder,
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
        texts={language: PackTexts(language, document.data) for language, document in check.texts.items()},
        fingerprint=fingerprint(check),
    )
