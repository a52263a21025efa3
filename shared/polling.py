"""The loop behind every background worker (outbox relay, consumers): work while there is work, idle
``interval_s`` when there is none, survive a failing pass, stop promptly when asked."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

#: pause after a pass that raised, so a broken database is not hammered
FAILURE_BACKOFF_S = 1.0


async def poll_forever(
    step: Callable[[], Awaitable[int]],
    *,
    interval_s: float,
    stop: asyncio.Event,
    log: logging.Logger,
    what: str,
) -> None:
    """Call ``step`` (which returns how much it did) until ``stop`` is set."""
    while not stop.is_set():
        try:
            done = await step()
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("%s pass failed; retrying", what)
            done = 0
            await asyncio.sleep(FAILURE_BACKOFF_S)
        if done == 0:
            try:
                await asyncio.wait_for(stop.wait(), timeout=interval_s)
            except TimeoutError:
                pass
