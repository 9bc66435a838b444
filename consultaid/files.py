"""Writing a file whole or not at all. No Qt.

A temporary file beside the target, flushed to disk, then renamed over it: a reader never sees half a
file, and a failure (full disk, no permission, a crash) leaves whatever was at the target untouched and
no partial file behind. Summaries, keys and exports hold health information or secrets, so a new file
is readable by its owner only."""

from __future__ import annotations

import os
import tempfile
from contextlib import suppress
from pathlib import Path


def write_atomically(path: str | os.PathLike[str], data: bytes, keep_mode: bool = False, durable: bool = True) -> Path:
    """`data` written to `path` (a new file is 0600). `keep_mode`: a file written over keeps the
    permissions it had. `durable`: the file and then its folder are synced, so the rename itself
    survives a power cut; a cache, which can always be made again, skips that."""
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    mode = path.stat().st_mode & 0o777 if keep_mode and path.exists() else 0o600
    descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=folder)  # 0600
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        if mode != 0o600:
            os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        with suppress(OSError):
            os.unlink(temporary)
        raise
    if durable and hasattr(os, "O_DIRECTORY"):
        with suppress(OSError):
            directory = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
            try:
                os.fsync(directory)
            finally:
                os.close(directory)
    return path
