"""One ConsultAid writing to a data folder at a time: a lock on a file in that folder, which the operating
system releases when the process ends in any way (a kill -9 or a power cut too). No Qt.

Why an OS lock on an open file rather than a file holding a process id: a pid file outlives a crash and
must then be guessed stale (pids are reused); a lock held on an open descriptor cannot outlive its process.
On Linux and macOS it is flock(2) (fcntl.flock), which locks the open file description: a second open and
lock of the same file fails even in the same process. On Windows it is msvcrt.locking on the file's first
byte, released when the handle is closed or the process ends. A network folder may not honour either;
the data folder is meant to be local (docs/it.md).

The lock file itself is never deleted: deleting it while another process opens it would let two processes
hold locks on two different files of the same name."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

LOCK_NAME = "consultaid.lock"


class InstanceLock:
    """The lock of one data folder. `acquire()` is True once held (at once, never waiting), False when
    another process (or another InstanceLock of this one) holds it; an unusable folder raises OSError."""

    def __init__(self, data_dir: Path):
        self.path = Path(data_dir) / LOCK_NAME
        self._descriptor: int | None = None

    @property
    def held(self) -> bool:
        return self._descriptor is not None

    def acquire(self) -> bool:
        if self._descriptor is not None:
            return True
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        descriptor = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            _lock(descriptor)
        except BlockingIOError:
            os.close(descriptor)
            return False
        except OSError as error:
            os.close(descriptor)
            if _is_contention(error):
                return False
            raise
        self._descriptor = descriptor
        return True

    def release(self) -> None:
        descriptor, self._descriptor = self._descriptor, None
        if descriptor is not None:
            _unlock(descriptor)
            os.close(descriptor)


@contextmanager
def held_while(path: Path) -> Iterator[None]:
    """An exclusive lock on the file `path`, waited for, held while the block runs. For a short step that
    two programs must not do at once (making a new database and its key), unlike InstanceLock, which is
    held for a whole session and never waited for."""
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        _lock_waiting(descriptor)
        try:
            yield
        finally:
            _unlock(descriptor)
    finally:
        os.close(descriptor)


if sys.platform == "win32":  # (the form type checkers understand)
    import errno
    import msvcrt

    def _lock(descriptor: int) -> None:
        os.lseek(descriptor, 0, os.SEEK_SET)
        msvcrt.locking(descriptor, msvcrt.LK_NBLCK, 1)   # OSError (EACCES/EDEADLOCK) when held elsewhere

    def _unlock(descriptor: int) -> None:
        os.lseek(descriptor, 0, os.SEEK_SET)
        try:
            msvcrt.locking(descriptor, msvcrt.LK_UNLCK, 1)
        except OSError:
            pass  # closing the handle releases it anyway

    def _is_contention(error: OSError) -> bool:
        return error.errno in (errno.EACCES, errno.EDEADLOCK)

    def _lock_waiting(descriptor: int) -> None:
        os.lseek(descriptor, 0, os.SEEK_SET)
        while True:
            try:
                msvcrt.locking(descriptor, msvcrt.LK_LOCK, 1)   # tries for 10 s, then OSError
                return
            except OSError as error:
                if not _is_contention(error):
                    raise
else:
    import fcntl

    def _lock(descriptor: int) -> None:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)   # BlockingIOError when held elsewhere

    def _unlock(descriptor: int) -> None:
        fcntl.flock(descriptor, fcntl.LOCK_UN)

    def _lock_waiting(descriptor: int) -> None:
        fcntl.flock(descriptor, fcntl.LOCK_EX)

    def _is_contention(error: OSError) -> bool:
        import errno

        return error.errno in (errno.EWOULDBLOCK, errno.EAGAIN)
