"""A minimal sRGB ICC profile (version 2.1, display class), made here rather than shipped.

The PDF/A output intent needs an ICC profile for the colour space the summary is drawn in (DeviceRGB).
Profiles found on a machine (colord's, Ghostscript's…) come with their own licences and may be missing
in the frozen bundle; the sRGB profile is fully defined by published numbers, so it is built from them:

- primaries and white point of IEC 61966-2-1, adapted to the D50 connection space with the Bradford
  transform (the values every v2 sRGB profile carries);
- the sRGB tone curve sampled at 1024 points, as ICC v2 has no parametric curves.

Deterministic: the same bytes every time (the date in the header is fixed). Pillow's littleCMS reads it
back in tests/test_archival.py, an independent check that it is a valid profile.
"""

from __future__ import annotations

import struct
from collections.abc import Iterable
from functools import lru_cache

DESCRIPTION = "sRGB IEC61966-2.1"
COPYRIGHT = "No copyright, use freely"

# D50-adapted colorants of sRGB and the D65 media white (ICC v2 display profiles record the real white).
WHITE = (0.9505, 1.0, 1.0890)
RED = (0.4360747, 0.2225045, 0.0139322)
GREEN = (0.3850649, 0.7168786, 0.0971045)
BLUE = (0.1430804, 0.0606169, 0.7141733)
D50 = (0.9642, 1.0, 0.8249)


def _s15f16(value: float) -> bytes:
    return struct.pack(">i", round(value * 65536))


def _xyz(values: Iterable[float]) -> bytes:
    return b"XYZ " + bytes(4) + b"".join(_s15f16(v) for v in values)


def _text(text: str) -> bytes:
    return b"text" + bytes(4) + text.encode("ascii") + b"\0"


def _description(text: str) -> bytes:
    ascii_text = text.encode("ascii") + b"\0"
    # ASCII part, then an empty Unicode part and an empty Macintosh ScriptCode part (67 bytes).
    return (b"desc" + bytes(4) + struct.pack(">I", len(ascii_text)) + ascii_text
            + struct.pack(">II", 0, 0) + struct.pack(">HB", 0, 0) + bytes(67))


def _srgb_curve(points: int = 1024) -> bytes:
    def decode(v: float) -> float:
        return v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4

    values = [round(decode(i / (points - 1)) * 65535) for i in range(points)]
    return b"curv" + bytes(4) + struct.pack(">I", points) + struct.pack(f">{points}H", *values)


@lru_cache(maxsize=1)
def srgb_profile() -> bytes:
    curve = _srgb_curve()
    tags = [(b"desc", _description(DESCRIPTION)), (b"cprt", _text(COPYRIGHT)), (b"wtpt", _xyz(WHITE)),
            (b"rXYZ", _xyz(RED)), (b"gXYZ", _xyz(GREEN)), (b"bXYZ", _xyz(BLUE)),
            (b"rTRC", curve), (b"gTRC", curve), (b"bTRC", curve)]
    table_size = 4 + 12 * len(tags)
    offset = 128 + table_size
    table = struct.pack(">I", len(tags))
    data = b""
    placed: dict[bytes, int] = {}
    for signature, body in tags:
        if body not in placed:   # the three tone curves share one block of data
            placed[body] = offset + len(data)
            data += body + bytes(-len(body) % 4)
        table += signature + struct.pack(">II", placed[body], len(body))
    size = 128 + table_size + len(data)
    header = (struct.pack(">I", size) + bytes(4) + bytes([2, 0x10, 0, 0]) + b"mntr" + b"RGB " + b"XYZ "
              + struct.pack(">6H", 2024, 1, 1, 0, 0, 0) + b"acsp" + bytes(4) + bytes(4) + bytes(4) + bytes(4)
              + bytes(8) + struct.pack(">I", 0) + b"".join(_s15f16(v) for v in D50) + bytes(4) + bytes(16)
              + bytes(28))
    assert len(header) == 128
    return header + table + data
