"""Running pyHanko's coroutines on an event loop that opens no socket.

pyHanko's API is asynchronous because signing and validating may fetch timestamps, certificates or
revocation data over the network. ConsultAid does none of that (offline by design: no timestamp server,
`allow_fetching=False`), yet pyHanko still gathers its signed attributes with asyncio, so a loop is
needed. A standard asyncio loop opens a socket pair as its "self-pipe", the channel through which other
threads and signal handlers wake it. These coroutines run in one thread and install no signal handler,
so that channel is never used: this loop goes without it, and ConsultAid opens no socket at all
(tests/test_no_network.py refuses every socket, local ones included)."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any, TypeVar

Result = TypeVar("Result")


class _LoopWithoutSelfPipe(asyncio.SelectorEventLoop):
    # The three methods of BaseSelectorEventLoop that own the self-pipe (CPython 3.11 to 3.13).
    def _make_self_pipe(self) -> None:
        self._ssock = self._csock = None

    def _close_self_pipe(self) -> None:
        pass

    def _write_to_self(self) -> None:
        pass  # only other threads or signal handlers would need to wake this loop


def run_offline(coroutine: Coroutine[Any, Any, Result]) -> Result:
    """The coroutine's result, run on an event loop of its own that has no socket."""
    with asyncio.Runner(loop_factory=_LoopWithoutSelfPipe) as runner:
        return runner.run(coroutine)
