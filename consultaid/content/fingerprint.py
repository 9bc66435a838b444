"""The fingerprint of a pack's content: SHA-256 of its facts and texts as data.

Comments and layout do not change it, any word or figure does. It is printed on every summary, so it
must always be the fingerprint of the figures the patient was shown: the pack cache recomputes it from
the cached data itself before using that data (content/pack_cache.py). Light on purpose (no YAML, no
schema), so checking a cached pack does not load the validator."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping


def content_fingerprint(facts: object, texts: Mapping[str, object]) -> str:
    """`facts`: pack.yaml as data; `texts`: language -> that language file as data."""
    canonical = {"facts": facts, "texts": {language: texts[language] for language in sorted(texts)}}
    encoded = json.dumps(canonical, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()
