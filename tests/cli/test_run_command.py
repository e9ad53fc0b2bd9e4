"""The README's run command: `shomer run` brings up a working, translated inbox."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time

import pytest
import requests

from tests.servers import free_port

pytestmark = pytest.mark.services


def test_shomer_run_serves_the_demo_inbox_and_stops_cleanly(tmp_path):
    port = free_port()
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "CELERY_BROKER_URL", "DJANGO_SETTINGS_MODULE"}
    }
    environment["SHOMER_HOME"] = str(tmp_path / "home")
    process = subprocess.Popen(
        [sys.executable, "-m", "shomer.cli", "run", "--port", str(port), "--web-workers", "1"],
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            assert process.poll() is None, process.stdout.read()
            try:
                if requests.get(f"{base}/login/", timeout=10).status_code == 200:
                    break
            except requests.RequestException:
                pass
            assert time.monotonic() < deadline, "shomer run did not answer in 120 s"
            time.sleep(0.5)

        session = requests.Session()
        login_page = session.get(f"{base}/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login_page.text)[1]
        inbox = session.post(
            f"{base}/login/",
            data={"username": "dana", "password": "shomer-demo", "csrfmiddlewaretoken": token},
            headers={"Referer": f"{base}/login/"},
        )
        assert inbox.url == f"{base}/inbox/"
        assert '<html lang="he" dir="rtl">' in inbox.text
        assert "תיבת הפניות" in inbox.text
        assert 'data-testid="ticket-table"' in inbox.text
        css = session.get(f"{base}/static/shomer/css/shomer.css")
        assert css.status_code == 200
        assert "margin-inline" in css.text
    finally:
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=60)
    assert process.returncode == 0, output
    assert f"Shomer is running at {base}/" in output
    assert "dana" in output
    assert (tmp_path / "home" / "shomer.sqlite3").exists()
