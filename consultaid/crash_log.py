"""The crash log: what went wrong, where in the code, never whose consultation it was.

Why only the exception's type and the code's frames: an exception's message and the program's variables
can hold anything that was typed (a patient's name inside a ValueError, a note inside a LayoutError).
IT and the developers need to know which line failed and how it was reached; they never need the text.
The log rotates (a few files of a megabyte) in `<data folder>/logs/` so it can never fill the disk.
No Qt here: the command line writes to the same log.
"""

from __future__ import annotations

import logging
import os
import traceback
from pathlib import Path
from types import TracebackType

LOG_FOLDER_NAME = "logs"
LOG_FILE_NAME = "consultaid.log"
MAX_BYTES = 1_000_000
BACKUP_COUNT = 3
_LOGGER_NAME = "consultaid.crash"


def crash_log_path(data_dir: Path) -> Path:
    return data_dir / LOG_FOLDER_NAME / LOG_FILE_NAME


def describe_crash(kind: type[BaseException], traceback_: TracebackType | None) -> str:
    """The type and the call stack (file, line, function) of an exception, without its message or any
    source line's values: what a maintainer needs, and nothing a patient said."""
    lines = [f"Unhandled {kind.__module__}.{kind.__qualname__}"]
    for frame in traceback.extract_tb(traceback_):
        lines.append(f"  {_short_path(frame.filename)}:{frame.lineno} in {frame.name}")
    return "\n".join(lines)


def _short_path(filename: str) -> str:
    """The file relative to the consultaid package (or its bare name): no user folder names in the log."""
    parts = Path(filename).parts
    if "consultaid" in parts:
        return "/".join(parts[len(parts) - 1 - parts[::-1].index("consultaid"):])
    return Path(filename).name


def crash_logger(data_dir: Path) -> logging.Logger:
    """The rotating crash log of this data folder (owner-only), set up once per process."""
    logger = logging.getLogger(_LOGGER_NAME)
    path = crash_log_path(data_dir)
    if not any(getattr(handler, "baseFilename", None) == str(path) for handler in logger.handlers):
        for handler in list(logger.handlers):
            logger.removeHandler(handler)
            handler.close()
        # logging.handlers brings sockets, pickle and queues with it: only when a log is written, not at start.
        from logging.handlers import RotatingFileHandler

        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        handler = RotatingFileHandler(path, maxBytes=MAX_BYTES, backupCount=BACKUP_COUNT,
                                                       encoding="utf-8", delay=True)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        logger.propagate = False
    return logger


def log_crash(data_dir: Path, kind: type[BaseException], traceback_: TracebackType | None,
              draft_saved: bool | None) -> Path | None:
    """Append one crash to the log; returns its path, or None when even the log cannot be written (a full
    or read-only disk must not turn one crash into two)."""
    from consultaid import __version__

    saved = {True: "draft saved", False: "draft NOT saved", None: "no consultation open"}[draft_saved]
    try:
        logger = crash_logger(data_dir)
        logger.error("ConsultAid %s (pid %d): %s; %s", __version__, os.getpid(),
                     describe_crash(kind, traceback_), saved)
        for handler in logger.handlers:
            handler.flush()
        path = crash_log_path(data_dir)
        if path.exists():
            path.chmod(0o600)
        return path
    except OSError:
        return None
