"""The cyclic garbage collector paused while a whole data set loads (pure).

Loading builds millions of objects that nearly all stay alive (documents, models, records), and
the collections triggered on the way walk them again for nothing: about 0.5 of the 2.8 CPU s the
5,000 activity files cost at records scale (bench/records_bench.py), and as much again elsewhere."""

from __future__ import annotations

import functools
import gc
from collections.abc import Callable
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")


def without_gc(function: Callable[P, R]) -> Callable[P, R]:
    """`function` with the collector paused during the call (as it was again afterwards, even
    after an exception; a nested call leaves it to the outer one)."""

    @functools.wraps(function)
    def paused(*args: P.args, **kwargs: P.kwargs) -> R:
        was = gc.isenabled()
        gc.disable()
        try:
            return function(*args, **kwargs)
        finally:
            if was:
                gc.enable()

    return paused


def set_aside() -> None:
    """Everything alive now (the loaded data set, a third of a million objects at full scale)
    kept out of the collector's sight until `bring_back`: the collections the rendering of
    thousands of pages triggers then walk only what the rendering makes, not the data again
    (about 1 CPU s of a full-scale build)."""
    gc.freeze()


def bring_back() -> None:
    """What `set_aside` kept aside collectable again (a serve rebuilds with new data: the old
    must not stay for ever)."""
    gc.unfreeze()
