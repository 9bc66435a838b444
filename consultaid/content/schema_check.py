"""Checks a YAML document against the published JSON Schema and words each error for a content author.

Two validators, each for what it does best: fastjsonschema compiles the schema into Python code once and
answers "valid?" about ten times faster (a library of 1,000 packs is validated at the first start after the
packs changed, before the picker shows); only for a document it rejects does jsonschema, which lists every
error with its place, find what to tell the author. Both are imported here only, so start-up paths that
never validate do not pay for them. tests/test_schema_check.py holds them to the same verdicts.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Callable, Iterable
from functools import cache
from typing import TYPE_CHECKING

from consultaid.content.problems import Problem, field_path
from consultaid.content.yaml_source import YamlDocument
from consultaid.i18n import N_, _, ngettext
from consultaid.paths import schema_dir

if TYPE_CHECKING:  # jsonschema ships no types (pyproject: ignore_missing_imports), so these read as Any
    from jsonschema import ValidationError
    from jsonschema.protocols import Validator

PACK_SCHEMA = "pack.schema.json"
TEXTS_SCHEMA = "texts.schema.json"

_TYPE_WORDS = {
    "string": N_("text"),
    "number": N_("a number"),
    "integer": N_("a whole number"),
    "object": N_("a mapping of fields"),
    "array": N_("a list"),
    "boolean": N_("true or false"),
    "null": N_("nothing"),
}


@cache
def _validator(schema_name: str) -> Validator:
    from jsonschema import Draft202012Validator

    schema = json.loads((schema_dir() / schema_name).read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


@cache
def _fast_validator(schema_name: str) -> Callable[[object], object]:
    import fastjsonschema

    schema = json.loads((schema_dir() / schema_name).read_text(encoding="utf-8"))
    validate: Callable[[object], object] = fastjsonschema.compile(schema)
    return validate


def is_valid(data: object, schema_name: str) -> bool:
    """The fast verdict alone: whether `data` certainly conforms to the schema. Any doubt (a rejection, or
    compiled code that fails on an odd value) sends the document to jsonschema's full check."""
    try:
        _fast_validator(schema_name)(data)
    except Exception:  # noqa: BLE001 — never a verdict of "valid" without a clean pass
        return False
    return True


def schema_problems(document: YamlDocument, schema_name: str) -> list[Problem]:
    if is_valid(document.data, schema_name):
        return []
    problems: set[Problem] = set()
    for error in _validator(schema_name).iter_errors(document.data):
        problems.update(_describe(document, error))
    return sorted(problems)


def _type_name(value: object) -> str:
    # bool before int: in Python, True is an int.
    for name, python_type in (("boolean", bool), ("integer", int), ("number", float),
                              ("string", str), ("array", list), ("object", dict)):
        if isinstance(value, python_type):
            return _(_TYPE_WORDS[name])
    return _(_TYPE_WORDS["null"]) if value is None else type(value).__name__


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _describe(document: YamlDocument, error: ValidationError) -> list[Problem]:
    parts = tuple(error.absolute_path)
    line = document.line_of(parts)
    kind = error.validator
    instance = error.instance

    def problem(message: str, at_parts: Iterable[str | int] = parts) -> Problem:
        return Problem(document.file, document.line_of(at_parts), field_path(at_parts), message)

    if kind == "propertyNames" or "propertyNames" in error.absolute_schema_path:
        # jsonschema places a bad key at its mapping; point at the key itself.
        return [problem(_("{value} is not a valid id (lower-case letters, digits, - and _)").format(
            value=_short(instance)), parts + (instance,))]
    if kind == "required":
        missing = [name for name in error.validator_value if isinstance(instance, dict) and name not in instance]
        return [Problem(document.file, line, field_path(parts + (name,)),
                        _("missing field '{name}'").format(name=name)) for name in missing]
    if kind == "additionalProperties" and isinstance(instance, dict):
        allowed = list(error.schema.get("properties", {}))
        found = []
        for key in instance:
            if key in allowed:
                continue
            hint = difflib.get_close_matches(str(key), allowed, n=1)
            message = _("unknown field '{name}'").format(name=key)
            if hint:
                message += " " + _("(did you mean '{name}'?)").format(name=hint[0])
            found.append(problem(message, parts + (key,)))
        return found
    if kind == "type":
        # The schema's "type": one JSON type name or a list of them.
        expected: list[str] = error.validator_value
        expected = expected if isinstance(expected, list) else [expected]
        words = _(" or ").join(_(_TYPE_WORDS.get(name, name)) for name in expected)
        if instance is None:
            return [problem(_("expected {expected}, but the field is empty").format(expected=words))]
        return [problem(_("expected {expected}, got {actual} {value}").format(
            expected=words, actual=_type_name(instance), value=_short(instance)))]
    if kind == "enum":
        choices = ", ".join(str(choice) for choice in error.validator_value)
        return [problem(_("{value} is not one of: {choices}").format(value=_short(instance), choices=choices))]
    if kind == "const":
        return [problem(_("must be {value}").format(value=_short(error.validator_value)))]
    if kind == "pattern":
        description = error.schema.get("description")
        if description:
            return [problem(_("{value} is not in the expected form: {description}").format(
                value=_short(instance), description=description))]
        return [problem(_("{value} is not a valid id (lower-case letters, digits, - and _)").format(
            value=_short(instance)))]
    if kind == "minItems":
        return [problem(ngettext("needs at least {count} item", "needs at least {count} items",
                                 error.validator_value).format(count=error.validator_value))]
    if kind == "uniqueItems":
        return [problem(_("the same item is listed twice"))]
    if kind == "minLength":
        return [problem(_("must not be empty"))]
    if kind == "maxLength":
        return [problem(_("is too long (at most {count} characters)").format(count=error.validator_value))]
    return [problem(error.message)]
