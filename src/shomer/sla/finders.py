"""A static files finder for plotly's JavaScript, shipped inside the `plotly` PyPI package.

Charts must work offline (no CDN), and the JS comes from a registry through a package
manager: `{% static "vendor/plotly/plotly.min.js" %}` serves the package's own copy, and
`collectstatic` copies it like any other static file.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import plotly
from django.contrib.staticfiles.finders import BaseFinder
from django.core.checks import CheckMessage
from django.core.files.storage import FileSystemStorage

PREFIX = "vendor/plotly"
FILENAME = "plotly.min.js"
PACKAGE_DATA = Path(plotly.__file__).resolve().parent / "package_data"


class PlotlyFinder(BaseFinder):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.storage = FileSystemStorage(location=str(PACKAGE_DATA))
        self.storage.prefix = PREFIX  # type: ignore[attr-defined]

    def check(self, **kwargs: Any) -> list[CheckMessage]:
        return []

    def find(self, path: str, find_all: bool = False, **kwargs: Any) -> str | list[str]:
        find_all = find_all or kwargs.get("all", False)
        if path == f"{PREFIX}/{FILENAME}":
            found = str(PACKAGE_DATA / FILENAME)
            return [found] if find_all else found
        return [] if find_all else ""

    def list(self, ignore_patterns: Any) -> Iterator[tuple[str, FileSystemStorage]]:
        yield FILENAME, self.storage
