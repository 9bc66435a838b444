"""Validation of one procedure pack folder: pack.yaml (facts) and one <language>.yaml per language.

Every problem is reported with its file and line; nothing raises. A pack with any problem is not loaded,
so a patient never sees half-checked content.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from consultaid.content import PACK_FILE
from consultaid.content.durations import Duration
from consultaid.content.fingerprint import content_fingerprint
from consultaid.content.problems import DOCUMENT, FieldParts, Problem, field_path
from consultaid.content.schema_check import PACK_SCHEMA, TEXTS_SCHEMA, schema_problems
from consultaid.content.wording import PLACEHOLDER
from consultaid.content.yaml_source import YamlDocument, YamlRejected, load_yaml
from consultaid.i18n import SUPPORTED_LANGUAGES, _
from consultaid.paths import resources_dir

COLLECTIONS = ("sources", "sections", "benefits", "risks", "milestones", "alternatives", "reviews", "questions")
# Which pack.yaml collection each language-file mapping is keyed by.
TEXT_COLLECTIONS = ("sections", "benefits", "risks", "milestones", "alternatives", "reviews", "sources", "questions")
UNIT_LIMITS = {"percent": 100, "per_1000": 1000}
# A quoted value in any other unit (sessions, minutes, centimetres…) is read by a patient as written: no
# source figure of a consultation comes near a million, and a larger number only prints as a wall of
# digits (or in exponent form), so it can only be a typing mistake.
OTHER_UNIT_LIMIT = 1_000_000
# The longest time a milestone may name, counted from the day of surgery. A recovery timeline runs from
# minutes to months (the shipped packs go up to "1 year, every year"); ten years holds any recovery
# milestone, and keeps surgery date + time (with the surgery date at most a few years ahead) far inside
# the calendar the app can compute and print dates in (it ends in the year 9999).
LONGEST_TIME = Duration(10, "year")
FIGURES = ("value", "low", "high", "upper")
# What an authored question's answer may name (pack.schema.json, questions.answers): items with words.
ANSWER_COLLECTIONS = ("sections", "benefits", "risks", "milestones", "alternatives")
MILESTONE_FIELDS = {
    "point": {"at"},
    "window": {"from", "to", "lasts"},
    "not_before": {"until"},
}
DIGIT = re.compile(r"\d")
ID = re.compile(r"^[a-z0-9][a-z0-9_-]*$")  # the schema's id pattern ($defs/id)
CONTROL_CHARACTER = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# Lone surrogates and Unicode noncharacters (U+FDD0..U+FDEF, the last two code points of every plane): a
# YAML escape can put them in a string, but they are not text; no XML (the summary's PDF/A metadata) nor
# UTF-8 (the pack's fingerprint) can carry them.
NOT_TEXT = re.compile("[\ud800-\udfff\ufdd0-\ufdef" + "".join(
    chr(plane << 16 | 0xFFFE) + chr(plane << 16 | 0xFFFF) for plane in range(17)) + "]")

# One range, which the regular expression engine tests quickly (NOT_TEXT's many ranges take about 1 ms a file).
AT_OR_ABOVE_SURROGATES = re.compile("[\ud800-\U0010ffff]")


@dataclass
class PackCheck:
    """What validating one pack folder found, and the documents it read (for building the model)."""

    folder: Path
    problems: list[Problem] = field(default_factory=list)
    facts: YamlDocument | None = None
    texts: dict[str, YamlDocument] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems


def check_pack(folder: Path, sources_dir: Path | None = None) -> PackCheck:
    check = PackCheck(folder)
    pack_path = folder / PACK_FILE
    if not pack_path.is_file():
        check.problems.append(Problem(pack_path, 1, DOCUMENT, _("missing: every pack folder needs a pack.yaml")))
        return check
    facts = _read(check, pack_path)
    if facts is None:
        return check
    check.facts = facts
    check.problems += schema_problems(facts, PACK_SCHEMA)
    if not isinstance(facts.data, dict):
        return check
    _FactsChecker(check, facts, facts.data, sources_dir).run()

    languages = facts.data.get("languages")
    if not isinstance(languages, list):
        return check
    for language in dict.fromkeys(item for item in languages if isinstance(item, str)):
        if language not in SUPPORTED_LANGUAGES:
            continue  # the schema names the languages it knows
        text_path = folder / f"{language}.yaml"
        if not text_path.is_file():
            check.problems.append(Problem(pack_path, facts.line_of(("languages",)), "languages",
                                          _("language '{language}' is listed but {file} is missing").format(
                                              language=language, file=text_path.name)))
            continue
        texts = _read(check, text_path)
        if texts is None:
            continue
        check.texts[language] = texts
        check.problems += schema_problems(texts, TEXTS_SCHEMA)
    _check_texts(check)
    for document in [check.facts, *check.texts.values()]:
        _check_characters(check, document)
    check.problems.sort()
    return check


def _check_characters(check: PackCheck, document: YamlDocument) -> None:
    """Every string of a document, keys included, is text (see NOT_TEXT)."""
    # The strings are pieces of the file's text (only a double-quoted escape, after a backslash, makes a
    # character that is not in it), and everything NOT_TEXT refuses lies at U+D800 or above: a text below
    # that, the usual one, needs no search, which costs about 1 ms a file.
    if "\\" not in document.text and not AT_OR_ABOVE_SURROGATES.search(document.text):
        return
    for parts, text in _strings(document.data, (), keys=True):
        found = NOT_TEXT.search(text)
        if found:
            check.problems.append(Problem(document.file, document.line_of(parts), field_path(parts),
                                          _("contains a character that is not text (U+{code:04X})").format(
                                              code=ord(found.group(0)))))


def _read(check: PackCheck, path: Path) -> YamlDocument | None:
    try:
        return load_yaml(path)
    except YamlRejected as rejected:
        check.problems.append(rejected.problem)
        return None


# A mapping as parsed from YAML: the schema has checked its shape, but every field is still looked at with
# isinstance before use, because these rules run on packs that failed the schema too.
YamlMapping = dict[str, Any]


def _items(data: YamlMapping, collection: str) -> list[tuple[int, YamlMapping]]:
    """(index, item) for the well-formed items of a collection; the schema reports the others."""
    items = data.get(collection)
    if not isinstance(items, list):
        return []
    return [(index, item) for index, item in enumerate(items) if isinstance(item, dict)]


def _ids(data: YamlMapping, collection: str) -> list[str]:
    return [item["id"] for _index, item in _items(data, collection) if isinstance(item.get("id"), str)]


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _inside(folder: Path, name: str) -> bool:
    """`name` is a relative path that stays in `folder` once symlinks are resolved (no "..", no absolute)."""
    if not name or Path(name).is_absolute() or name.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", name):
        return False
    try:
        return (folder / name).resolve().is_relative_to(folder.resolve())
    except (OSError, RuntimeError, ValueError):
        return False


def _is_finite(number: float) -> bool:
    return isinstance(number, int) or math.isfinite(number)  # an int of any size is finite (and no float)


def _short(value: object, limit: int = 40) -> str:
    """A value as quoted in a message: a pasted number of thousands of digits is cut, never printed whole."""
    text = str(value) if not isinstance(value, int) or value.bit_length() < 1000 else f"{value:.3e}"
    return text if len(text) <= limit else text[:limit - 1] + "…"


class _FactsChecker:
    """The rules of pack.yaml that a JSON Schema cannot say: references, bounds, order, uniqueness."""

    def __init__(self, check: PackCheck, document: YamlDocument, data: YamlMapping, sources_dir: Path | None):
        self.check = check
        self.document = document
        self.data = data  # document.data, once known to be a mapping
        self.sources_dir = sources_dir
        self.source_ids = set(_ids(self.data, "sources"))

    def report(self, parts: FieldParts, message: str) -> None:
        self.check.problems.append(Problem(self.document.file, self.document.line_of(parts),
                                           field_path(parts), message))

    def run(self) -> None:
        for collection in COLLECTIONS:
            self.check_unique_ids(collection)
        self.check_outcome_ids_apart()
        self.check_source_files()
        for collection in ("sections", "alternatives", "reviews"):  # milestones: in check_milestone
            for index, item in _items(self.data, collection):
                self.check_source_list((collection, index, "sources"), item.get("sources"))
        self.check_illustrations()
        self.check_values()
        for collection in ("benefits", "risks"):
            self.check_outcomes(collection)
        for index, item in _items(self.data, "milestones"):
            self.check_milestone(("milestones", index), item)
        self.check_reviews()
        self.check_questions()

    def check_unique_ids(self, collection: str) -> None:
        first_line: dict[str, int] = {}
        for index, item in _items(self.data, collection):
            item_id = item.get("id")
            if not isinstance(item_id, str):
                continue
            parts = (collection, index, "id")
            if item_id in first_line:
                self.report(parts, _("duplicate id '{id}' (first used on line {line})").format(
                    id=item_id, line=first_line[item_id]))
            else:
                first_line[item_id] = self.document.line_of(parts)

    def check_outcome_ids_apart(self) -> None:
        """A consultation ticks benefits and risks by id on one chart: one id may not name both."""
        benefit_ids = set(_ids(self.data, "benefits"))
        for index, risk in _items(self.data, "risks"):
            if isinstance(risk.get("id"), str) and risk["id"] in benefit_ids:
                self.report(("risks", index, "id"), _("'{id}' is already the id of a benefit").format(id=risk["id"]))

    def check_source_ref(self, parts: FieldParts, source_id: object) -> None:
        if isinstance(source_id, str) and source_id not in self.source_ids:
            self.report(parts, _("source '{id}' is not listed under sources").format(id=source_id))

    def check_source_list(self, parts: FieldParts, source_ids: object) -> None:
        if isinstance(source_ids, list):
            for position, source_id in enumerate(source_ids):
                self.check_source_ref(parts + (position,), source_id)

    def check_source_files(self) -> None:
        if self.sources_dir is None:
            return
        for index, source in _items(self.data, "sources"):
            name = source.get("file")
            if isinstance(name, str) and not _inside(self.sources_dir, name):
                self.report(("sources", index, "file"), _("'{file}' is not inside {folder}: name a file of the "
                                                          "sources folder").format(file=_short(name),
                                                                                   folder=self.sources_dir))
            elif isinstance(name, str) and not (self.sources_dir / name).is_file():
                self.report(("sources", index, "file"), _("no source document named '{file}' in {folder}").format(
                    file=name, folder=self.sources_dir))

    def check_illustrations(self) -> None:
        from consultaid.content.svg_references import refers_only_inside

        folder = resources_dir() / "illustrations"
        for index, section in _items(self.data, "sections"):
            name = section.get("illustration")
            if not isinstance(name, str):
                continue
            parts = ("sections", index, "illustration")
            if Path(name).name != name or "\\" in name:
                continue  # the schema allows a bare file name only, and has reported this one
            if not (folder / name).is_file():
                self.report(parts, _("no illustration named '{file}' in resources/illustrations").format(file=name))
            elif not refers_only_inside(folder / name):
                self.report(parts, _("illustration '{file}' refers to a file outside resources/illustrations: "
                                     "only packaged pictures can be shown").format(file=name))

    def check_figures(self, parts: FieldParts, item: YamlMapping, unit: object) -> list[str]:
        """Bounds and order of value / low / high / upper, in percent or per 1000."""
        given = [name for name in FIGURES if name in item]  # wrong types are the schema's to report
        present = [name for name in given if _is_number(item[name])]
        for name in [name for name in present if not _is_finite(item[name])]:
            # YAML's .nan and .inf are numbers to the schema; no source ever quotes one.
            self.report(parts + (name,), _("{value} is not a figure: give the number the source states").format(
                value=item[name]))
        finite = [name for name in present if _is_finite(item[name])]
        if "value" in given and len(given) > 1 or "upper" in given and len(given) > 1:
            self.report(parts, _("give either value, or low and high, or upper; not several"))
        if ("low" in given) != ("high" in given):
            missing = "high" if "low" in given else "low"
            self.report(parts + (missing,), _("a range needs both low and high"))
        if "low" in finite and "high" in finite and item["low"] > item["high"]:
            self.report(parts + ("low",), _("low bound {low} is above high bound {high}").format(
                low=_short(item["low"]), high=_short(item["high"])))
        limit = UNIT_LIMITS.get(unit, OTHER_UNIT_LIMIT) if isinstance(unit, str) else OTHER_UNIT_LIMIT
        for name in finite:
            number = item[name]
            if number < 0:
                self.report(parts + (name,), _("{value} is negative").format(value=_short(number)))
            elif number > limit:
                if unit == "percent":
                    message = _("{value} is not a percentage between 0 and 100").format(value=_short(number))
                elif unit == "per_1000":
                    message = _("{value} is more than 1000 in 1000").format(value=_short(number))
                else:
                    message = _("{value} is more than a million: no quoted figure is that large").format(
                        value=_short(number))
                self.report(parts + (name,), message)
        return present

    def check_values(self) -> None:
        values = self.data.get("values")
        if not isinstance(values, dict):
            return
        for name, value in values.items():
            if not isinstance(value, dict):
                continue
            parts = ("values", name)
            present = self.check_figures(parts, value, value.get("unit"))
            if not present:
                self.report(parts, _("a quoted value needs value, or low and high"))
            self.check_source_ref(parts + ("source",), value.get("source"))

    def check_outcomes(self, collection: str) -> None:
        ids = _ids(self.data, collection)
        parents: dict[str, tuple[int, str]] = {}
        for index, outcome in _items(self.data, collection):
            within = outcome.get("within")
            if isinstance(within, str):
                if within == outcome.get("id"):
                    self.report((collection, index, "within"), _("an outcome cannot be nested in itself"))
                elif within not in ids:
                    self.report((collection, index, "within"), _("'{id}' is not an id of {collection}").format(
                        id=within, collection=collection))
                elif isinstance(outcome.get("id"), str):  # another id is the schema's to report
                    parents[outcome["id"]] = (index, within)
            estimates = outcome.get("estimates")
            if not isinstance(estimates, list):
                continue
            for position, estimate in enumerate(estimates):
                if not isinstance(estimate, dict):
                    continue
                parts = (collection, index, "estimates", position)
                self.check_source_ref(parts + ("source",), estimate.get("source"))
                unit = estimate.get("unit")
                present = self.check_figures(parts, estimate, unit)
                if present and unit is None:
                    self.report(parts + ("unit",), _("a figure needs a unit (percent or per_1000)"))
                if unit is not None and not present:
                    self.report(parts + ("unit",), _("a unit is given but no figure"))
        for outcome_id, (index, _parent) in parents.items():
            seen, current = {outcome_id}, parents[outcome_id][1]
            while current in parents:
                if current in seen:
                    self.report((collection, index, "within"), _("nesting goes round in a circle"))
                    break
                seen.add(current)
                current = parents[current][1]

    def duration(self, parts: FieldParts, text: object) -> Duration | None:
        if not isinstance(text, str):
            return None
        try:
            duration = Duration.parse(text)
        except ValueError:
            return None  # the schema has reported the form
        if duration.value < 0:
            self.report(parts, _("negative time '{value}': times count from the day of surgery").format(
                value=_short(text)))
            return None
        if duration.hours > LONGEST_TIME.hours:
            self.report(parts, _("'{value}' is more than 10 years after surgery: a recovery timeline does not "
                                 "reach that far").format(value=_short(text)))
            return None
        return duration

    def check_milestone(self, parts: FieldParts, item: YamlMapping) -> None:
        kind = item.get("kind")
        self.check_source_list(parts + ("sources",), item.get("sources"))
        allowed = MILESTONE_FIELDS.get(kind) if isinstance(kind, str) else None  # the schema reports the rest
        if allowed is not None:
            for other in set().union(*MILESTONE_FIELDS.values()) - allowed:
                if other in item:
                    self.report(parts + (other,), _("'{field}' does not apply to a milestone of kind '{kind}'")
                                .format(field=other, kind=kind))
        times = {name: self.duration(parts + (name,), item.get(name)) for name in ("at", "from", "to", "until")}
        every = self.duration(parts + ("every",), item.get("every"))
        if every is not None and every.value == 0:
            self.report(parts + ("every",), _("a repeat interval must be longer than zero"))
        lasts = item.get("lasts")
        if isinstance(lasts, dict):
            low = self.duration(parts + ("lasts", "low"), lasts.get("low"))
            high = self.duration(parts + ("lasts", "high"), lasts.get("high"))
            if low and high and low.hours > high.hours:
                self.report(parts + ("lasts", "low"), _("the shortest time is longer than the longest"))
        if "to" in item and "lasts" in item:
            self.report(parts + ("lasts",), _("give either 'to' or 'lasts', not both"))
        start, end = times["from"], times["to"]
        if start and end and start.hours > end.hours:
            self.report(parts + ("to",), _("the window ends ({end}) before it starts ({start})").format(
                end=_short(item["to"]), start=_short(item["from"])))
        elif start and end and start.hours == end.hours:
            self.report(parts + ("to",), _("the window ends when it starts: use kind 'point' for a single time"))

    def check_reviews(self) -> None:
        for index, review in _items(self.data, "reviews"):
            about = review.get("about")
            if not isinstance(about, str) or "." not in about:
                continue
            collection, item_id = about.split(".", 1)
            known = set(self.data.get("values") or {}) if collection == "values" else set(_ids(self.data, collection))
            if item_id not in known:
                self.report(("reviews", index, "about"), _("'{about}' names no item of this pack").format(about=about))

    def check_questions(self) -> None:
        """An authored question of the check of understanding is answered by the words of the items it names,
        never by words of its own: each must be an item of this pack."""
        for index, question in _items(self.data, "questions"):
            answers = question.get("answers")
            for position, answer in enumerate(answers if isinstance(answers, list) else []):
                if not isinstance(answer, str) or "." not in answer:
                    continue  # the schema reports the form
                collection, item_id = answer.split(".", 1)
                if collection in ANSWER_COLLECTIONS and item_id not in _ids(self.data, collection):
                    self.report(("questions", index, "answers", position),
                                _("the answer '{answer}' names no item of this pack").format(answer=answer))


def _expected_text_keys(facts: YamlMapping) -> dict[str, list[str]]:
    expected = {collection: _ids(facts, collection) for collection in TEXT_COLLECTIONS}
    groups: list[str] = []
    windows: list[str] = []
    for collection in ("benefits", "risks"):
        for _index, outcome in _items(facts, collection):
            estimates = outcome.get("estimates")
            for estimate in estimates if isinstance(estimates, list) else []:  # the schema reports the rest
                if isinstance(estimate, dict):
                    for key, found in (("group", groups), ("window", windows)):
                        name = estimate.get(key)
                        # Not an id: the schema has reported it in pack.yaml, no text can be keyed by it.
                        if isinstance(name, str) and ID.match(name) and name not in found:
                            found.append(name)
    expected["groups"], expected["windows"] = groups, windows
    return expected


def _placeholder_names(facts: YamlMapping) -> set[str]:
    values = facts.get("values")
    names = set(values) if isinstance(values, dict) else set()
    names |= set(_ids(facts, "milestones")) | set(_ids(facts, "sources"))
    for _index, milestone in _items(facts, "milestones"):
        if milestone.get("kind") == "window" and isinstance(milestone.get("id"), str):
            parts = ["start"] + ["end"] * ("to" in milestone) + ["lasts"] * ("lasts" in milestone)
            names |= {f"{milestone['id']}.{part}" for part in parts}
    return names


def _strings(node: object, parts: FieldParts, keys: bool = False) -> Iterator[tuple[FieldParts, str]]:
    """(path, string) for every string value under `node` (and every string key, with `keys`)."""
    if isinstance(node, str):
        yield parts, node
    elif isinstance(node, dict):
        for key, value in node.items():
            if keys and isinstance(key, str):
                yield parts + (key,), key
            yield from _strings(value, parts + (key,), keys)
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _strings(value, parts + (index,), keys)


def _check_texts(check: PackCheck) -> None:
    facts = check.facts.data if check.facts else None
    if not isinstance(facts, dict):
        return
    expected = _expected_text_keys(facts)
    placeholders = _placeholder_names(facts)
    mappings: dict[str, YamlMapping] = {
        language: doc.data for language, doc in check.texts.items() if isinstance(doc.data, dict)}
    texts = {language: check.texts[language] for language in mappings}
    for language, document in texts.items():
        data = mappings[language]

        def report(parts: FieldParts, message: str, document: YamlDocument = document) -> None:
            check.problems.append(Problem(document.file, document.line_of(parts), field_path(parts), message))

        if data.get("language") not in (None, language):
            report(("language",), _("this file is {file} but says language '{language}'").format(
                file=document.file.name, language=data.get("language")))
        for collection, ids in expected.items():
            given = data.get(collection)
            given = given if isinstance(given, dict) else {}
            for item_id in ids:
                if item_id in given:
                    continue
                elsewhere = [other.file.name for lang, other in texts.items()
                             if lang != language and item_id in (mappings[lang].get(collection) or {})]
                if elsewhere:
                    message = _("no text for '{id}' in this language, but {files} has one").format(
                        id=item_id, files=", ".join(elsewhere))
                else:
                    message = _("no text for '{id}', which pack.yaml defines").format(id=item_id)
                report((collection, item_id), message)
            for item_id in given:
                if item_id not in ids:
                    report((collection, item_id),
                           _("unknown id '{id}': pack.yaml does not define it under {collection}")
                           .format(id=item_id, collection=collection))
        for parts, text in _strings(data, ()):
            if parts and parts[0] in ("$schema", "language"):
                continue

            def report_at(offset: int, message: str, parts: FieldParts = parts, text: str = text,
                          document: YamlDocument = document) -> None:
                check.problems.append(Problem(document.file, document.line_in_text(parts, offset, text),
                                              field_path(parts), message))

            digit = DIGIT.search(PLACEHOLDER.sub(lambda match: " " * len(match.group(0)), text))
            if digit:
                report_at(digit.start(), _("contains a digit: state numbers once in pack.yaml and quote them as "
                                           "{{name}}").format())
            control = CONTROL_CHARACTER.search(text)
            if control:
                report_at(control.start(), _("contains an invisible control character (U+{code:04X})").format(
                    code=ord(control.group(0))))
            for match in PLACEHOLDER.finditer(text):
                if match.group(1) not in placeholders:
                    report_at(match.start(), _("unknown placeholder {{{name}}}: not a value, milestone or source "
                                               "of pack.yaml").format(name=match.group(1)))


def fingerprint(check: PackCheck) -> str:
    """SHA-256 of the pack's content as data: comments and layout do not change it, any word or figure does."""
    if check.facts is None:
        raise ValueError("only a pack whose pack.yaml was read has a fingerprint")
    texts = {language: document.data for language, document in check.texts.items()}
    return content_fingerprint(check.facts.data, texts)
