"""Shared fixtures: one model trained per test session into a temporary SHOMER_HOME."""

from __future__ import annotations

from pathlib import Path

import pytest

from shomer.language.analyze import Analyzer


@pytest.fixture(scope="session")
def shomer_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("shomer-home")


@pytest.fixture(scope="session")
def models_dir(shomer_home: Path) -> Path:
    return shomer_home / "models"


@pytest.fixture(scope="session")
def analyzer(models_dir: Path) -> Analyzer:
    return Analyzer.load(models_dir)
