"""Figures derived from the store, reused while they are fresh enough.

A value is reused while the store is unchanged (its revision, the newest audit
entry, is the same), and for a few seconds after it changes. Once older than
that, the old value is still served while a background thread computes the new
one, so no viewer waits for a recomputation except the very first. Under a
stream of edits, dashboard charts (and the few facet counts the in-memory index
of :mod:`jixiao.store.facets` does not cover: findings searched by text or by
form) therefore lag the data by a few seconds; the dashboard says when its
charts were drawn.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jixiao.store.models import AuditEntry

T = TypeVar("T")


def revision(session: Session) -> int:
    """A number that grows with every change to the store."""
    return session.scalar(select(func.max(AuditEntry.id))) or 0


class Recent(Generic[T]):
    """A small cache of computed values keyed by what they depend on (always including the user's scope)."""

    def __init__(self, stale_seconds: float = 3.0, size: int = 512) -> None:
        self.stale_seconds = stale_seconds
        self.size = size
        self._values: OrderedDict[Hashable, tuple[int, float, T]] = OrderedDict()
        self._refreshing: set[Hashable] = set()
        self._lock = threading.Lock()

    def get(self, key: Hashable, current: int, compute: Callable[[], T]) -> T:
        """The value for ``key``; ``compute`` must open its own session (it may run in another thread)."""
        with self._lock:
            found = self._values.get(key)
            if found is not None:
                self._values.move_to_end(key)
                fresh = found[0] == current or time.monotonic() - found[1] < self.stale_seconds
                if not fresh and key not in self._refreshing:
                    self._refreshing.add(key)
                    threading.Thread(target=self._refresh, args=(key, current, compute), daemon=True).start()
                return found[2]
        value = compute()
        self._put(key, current, value)
        return value

    def _refresh(self, key: Hashable, current: int, compute: Callable[[], T]) -> None:
        try:
            self._put(key, current, compute())
        finally:
            with self._lock:
                self._refreshing.discard(key)

    def _put(self, key: Hashable, current: int, value: T) -> None:
        with self._lock:
            self._values[key] = (current, time.monotonic(), value)
            self._values.move_to_end(key)
            while len(self._values) > self.size:
                self._values.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._values.clear()
