"""Which files an illustration (SVG) would make a renderer read besides itself. No Qt.

An SVG can name other files: `<image href="/home/…/photo.png">`, `href="file:///…"`, a CSS
`url(…)`, an external entity. Qt's SVG renderer (the screen) and svglib (the summary PDF) both load
what they are pointed at, so an illustration could put any readable image of the machine on screen and
into a sealed summary. Only packaged resources may be drawn: a reference must stay inside the
illustration's own folder (a relative path, resolved with symlinks), or be inside the document itself
(`#id`, a `data:` URI). Anything else makes the whole illustration refused, never partly drawn.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

_CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")]*)", re.IGNORECASE)
_CSS_IMPORT = re.compile(r"@import", re.IGNORECASE)
_ENTITY = re.compile(rb"<!ENTITY", re.IGNORECASE)
LARGEST_SVG = 8 * 1024 * 1024  # the shipped illustrations are a few kB; a bigger file is not a drawing


class RefusedSvg(ValueError):
    """The SVG names a file outside its folder, or cannot be checked; the message says which (no data)."""


def check_svg(path: Path) -> None:
    """Raises RefusedSvg unless every file `path` refers to is inside its own folder."""
    try:
        if path.stat().st_size > LARGEST_SVG:
            raise RefusedSvg(f"{path.name}: larger than {LARGEST_SVG} bytes")
        data = path.read_bytes()
    except OSError as error:
        raise RefusedSvg(f"{path.name}: cannot be read ({error.strerror})") from None
    _check_svg_data(path, data)


def _check_svg_data(path: Path, data: bytes) -> None:
    """check_svg on the bytes read from `path`."""
    if _ENTITY.search(data):
        raise RefusedSvg(f"{path.name}: declares an XML entity")  # an external one reads any file
    try:
        root = ElementTree.fromstring(data)
    except ElementTree.ParseError as error:
        raise RefusedSvg(f"{path.name}: not well-formed XML ({error})") from None
    folder = path.resolve().parent
    for element in root.iter():
        for name, value in element.attrib.items():
            if name.rsplit("}", 1)[-1] == "href":
                _check_reference(folder, path.name, value)
            for reference in _CSS_URL.findall(value):
                _check_reference(folder, path.name, reference)
        if element.tag.rsplit("}", 1)[-1] == "style" and element.text:
            if _CSS_IMPORT.search(element.text):
                raise RefusedSvg(f"{path.name}: a stylesheet imports another file")
            for reference in _CSS_URL.findall(element.text):
                _check_reference(folder, path.name, reference)


def refers_only_inside(path: Path) -> bool:
    """check_svg's verdict, for validation. Every pack that shows an illustration names one of the few
    packaged ones, so at the first start after a library changed the same few files are checked for
    thousands of packs: the file is read each time, and parsed only if its bytes (or its place) are new."""
    try:
        if path.stat().st_size > LARGEST_SVG:
            return False
        data = path.read_bytes()
    except OSError:
        return False
    return _verdict(path.resolve(), data)


@lru_cache(maxsize=32)
def _verdict(path: Path, data: bytes) -> bool:
    try:
        _check_svg_data(path, data)
    except RefusedSvg:
        return False
    return True


def _check_reference(folder: Path, name: str, reference: str) -> None:
    reference = reference.strip()
    if not reference or reference.startswith("#"):
        return  # a part of this document
    parts = urlsplit(reference)
    if parts.scheme.lower() == "data":
        return  # the image is inside the document itself
    if parts.scheme or parts.netloc:
        raise RefusedSvg(f"{name}: refers to a {parts.scheme or 'network'} address")
    target = unquote(parts.path)
    if not target or Path(target).is_absolute() or target.startswith(("\\", "/")) or re.match(r"^[A-Za-z]:", target):
        raise RefusedSvg(f"{name}: refers to a file by absolute path")
    try:
        resolved = (folder / target).resolve()
    except (OSError, RuntimeError):
        raise RefusedSvg(f"{name}: a reference cannot be resolved") from None
    if not resolved.is_relative_to(folder):
        raise RefusedSvg(f"{name}: refers to a file outside its folder")
