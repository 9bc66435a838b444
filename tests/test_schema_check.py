"""The schema check's two validators must agree: fastjsonschema's fast "valid" verdict is trusted only if it
never calls a document valid that jsonschema (the validator that words the errors) would reject. Held here
on the shipped packs and on thousands of their mutations: a key removed, a value of another type or out of
range, an unknown key, a bad id."""

from __future__ import annotations

import copy
import json
import random

import pytest
from jsonschema import Draft202012Validator

from consultaid.content.schema_check import PACK_SCHEMA, TEXTS_SCHEMA, is_valid, schema_problems
from consultaid.content.yaml_source import load_yaml
from consultaid.paths import bundled_content_dir, schema_dir

ODD_VALUES = [None, True, 0, -1, 1.5, 1e12, "", " ", "x", "Not An Id", [], [1], {}, {"x": 1}, "1 week",
              "🙂" * 3, 10**20]


def _documents() -> list[tuple[str, object]]:
    found = []
    for folder in sorted(path for path in bundled_content_dir().iterdir() if path.is_dir()):
        for file in sorted(folder.glob("*.yaml")):
            schema = PACK_SCHEMA if file.name == "pack.yaml" else TEXTS_SCHEMA
            found.append((schema, load_yaml(file).data))
    return found


def _places(data: object, at: tuple = ()) -> list[tuple]:
    """Every path to a value inside `data`."""
    places = [at]
    if isinstance(data, dict):
        for key, value in data.items():
            places += _places(value, at + (key,))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            places += _places(value, at + (index,))
    return places


def _mutated(data: object, rng: random.Random) -> object:
    data = copy.deepcopy(data)
    place = rng.choice(_places(data)[1:])
    parent = data
    for part in place[:-1]:
        parent = parent[part]
    last = place[-1]
    action = rng.choice(["replace", "replace", "remove", "add_key", "rename_key"])
    if action == "replace":
        parent[last] = copy.deepcopy(rng.choice(ODD_VALUES))
    elif action == "remove":
        del parent[last]
    elif isinstance(parent, dict) and action == "add_key":
        parent[rng.choice(["extra", "Bad Key", "note", "id"])] = copy.deepcopy(rng.choice(ODD_VALUES))
    elif isinstance(parent, dict):
        parent[rng.choice(["other-id", "x", "BAD ID", "9"])] = parent.pop(last)
    return data


@pytest.fixture(scope="module")
def reference():
    return {name: Draft202012Validator(json.loads((schema_dir() / name).read_text(encoding="utf-8")))
            for name in (PACK_SCHEMA, TEXTS_SCHEMA)}


def test_the_shipped_packs_are_valid_to_both(reference):
    for schema, data in _documents():
        assert is_valid(data, schema) and reference[schema].is_valid(data)


def test_the_fast_verdict_agrees_with_jsonschema_on_mutated_packs(reference):
    rng = random.Random(20261204)
    disagreements, rejected = [], 0
    for schema, data in _documents():
        for _round in range(150):
            mutated = _mutated(data, rng)
            expected = reference[schema].is_valid(mutated)
            rejected += not expected
            if is_valid(mutated, schema) != expected:
                disagreements.append((schema, json.dumps(mutated, default=str)[:300]))
    assert rejected > 600   # the mutations reach the schema's rules (else this test proves nothing)
    assert disagreements == []


def test_a_rejected_document_still_gets_every_error_worded(tmp_path):
    pack = tmp_path / "pack.yaml"
    pack.write_text("id: Not An Id\nversion: x\n", encoding="utf-8")
    problems = schema_problems(load_yaml(pack), PACK_SCHEMA)
    assert len(problems) >= 2 and all(problem.line >= 1 for problem in problems)
    assert any("not a valid id" in problem.message for problem in problems)


def test_odd_data_the_compiled_check_cannot_handle_goes_to_the_full_check():
    class Odd:
        pass

    assert is_valid({"id": Odd()}, PACK_SCHEMA) is False
