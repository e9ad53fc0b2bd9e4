"""The load benchmark's HTTP client reads the answers gunicorn gives, and the server it
loads is started as `shomer run` starts it."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

import pytest

from shomer.bench.benchmarks.load import _read_status
from shomer.core.web_server import KEEP_ALIVE_SECONDS, gunicorn_command


def read(data: bytes) -> tuple[int, bytes]:
    async def go() -> tuple[int, bytes]:
        reader = asyncio.StreamReader()
        reader.feed_data(data)
        reader.feed_eof()
        status = await _read_status(reader)
        return status, await reader.read()

    # In a thread of its own: the browser tests' Playwright keeps a loop in this one.
    with ThreadPoolExecutor(1) as thread:
        return thread.submit(asyncio.run, go()).result()


def test_a_response_with_a_length_is_read_to_its_end_and_no_further() -> None:
    answer = b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"
    assert read(answer + b"HTTP/1.1 302 Found") == (200, b"HTTP/1.1 302 Found")


def test_a_chunked_response_is_read_to_its_last_chunk() -> None:
    answer = b"HTTP/1.1 403 Forbidden\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n"
    assert read(answer + b"next") == (403, b"next")


def test_a_broken_answer_is_an_error_not_a_hang() -> None:
    with pytest.raises(asyncio.IncompleteReadError):
        read(b"HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\nshort")


def test_the_server_keeps_idle_connections_between_clicks() -> None:
    command = gunicorn_command("127.0.0.1", 8123, workers=3)
    assert command[command.index("--keep-alive") + 1] == str(KEEP_ALIVE_SECONDS)
    assert command[command.index("--bind") + 1] == "127.0.0.1:8123"
    assert command[command.index("--workers") + 1] == "3"
