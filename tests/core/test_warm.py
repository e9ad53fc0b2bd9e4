"""A long-lived process loads the language model once and keeps its start-up objects out of
the garbage collector's full passes."""

from __future__ import annotations

import gc

from shomer.analysis import services
from shomer.core.warm import warm_process


def test_warming_loads_the_model_and_freezes_what_exists(settings, tmp_path):
    settings.SHOMER_LANGUAGE_MODELS_DIR = tmp_path  # a fresh process: nothing loaded yet
    services._LAST.clear()
    try:
        warm_process()
        assert services._LAST and services._LAST[0][1] is services.analyzer()
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()  # the rest of the test run collects as usual
