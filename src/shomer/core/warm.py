"""Warm a long-lived process: load what every message needs, then freeze it out of the
garbage collector's way.

A worker, the mail receivers and an import load Django and the language model once and
keep them for their whole life. Python's full collections walk every one of those objects
again and again (about 60 ms each, twice per 3,000 messages in the inbound pipeline: 7-10%
of its time). `gc.freeze()` moves what exists after start-up to a permanent generation that
collections skip; objects made later are collected as usual. Call it once, at process
start, never from library code that may run inside a thread.
"""

from __future__ import annotations

import gc


def warm_process() -> None:
    """Load the language model (the biggest object a message needs), then freeze."""
    from shomer.analysis.services import analyzer

    analyzer()
    gc.collect()
    gc.freeze()
