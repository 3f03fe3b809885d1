"""Cancelling an answer from another thread, even while a backend is blocked on a slow read."""

from __future__ import annotations

import threading
from collections.abc import Callable

from .errors import AskbriefError

__all__ = ["CancelToken", "Cancelled"]


class Cancelled(AskbriefError):
    """The user cancelled the answer."""

    def __init__(self) -> None:
        super().__init__("the answer was cancelled")


class CancelToken:
    """Set once by the UI; checked between chunks, and it shuts an open connection at once."""

    def __init__(self) -> None:
        self._event = threading.Event()
        self._lock = threading.Lock()
        self._callbacks: list[Callable[[], None]] = []

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def cancel(self) -> None:
        with self._lock:
            if self._event.is_set():
                return
            self._event.set()
            callbacks = list(self._callbacks)
        for callback in callbacks:
            callback()

    def on_cancel(self, callback: Callable[[], None]) -> Callable[[], None]:
        """Call ``callback`` on cancel (now, if cancelled already); returns an unhook function."""
        with self._lock:
            if not self._event.is_set():
                self._callbacks.append(callback)
                return lambda: self._remove(callback)
        callback()
        return lambda: None

    def _remove(self, callback: Callable[[], None]) -> None:
        with self._lock:
            if callback in self._callbacks:
                self._callbacks.remove(callback)

    def raise_if_cancelled(self) -> None:
        if self.cancelled:
            raise Cancelled
