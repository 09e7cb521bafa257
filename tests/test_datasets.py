# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""The dataset registry against a local HTTP server: the cache never keeps a bad file."""

from __future__ import annotations

import hashlib
import http.server
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pytest

from dlc_common.data.datasets import DatasetError, RemoteFile, cache_dir, fetch, register, sha256

PAYLOAD = bytes(range(256)) * 4096  # 1 MiB, so that a cut mid-body is really mid-body
DIGEST = hashlib.sha256(PAYLOAD).hexdigest()


class _Handler(http.server.BaseHTTPRequestHandler):
    requests: ClassVar[list[str]] = []

    def log_message(self, *args: object) -> None:  # keep pytest's output clean
        pass

    def do_GET(self) -> None:
        type(self).requests.append(self.path)
        if self.path == "/missing.bin":
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Length", str(len(PAYLOAD)))
        self.end_headers()
        if self.path == "/trickle.bin":  # a byte every 0.2 s: no read ever times out
            for _ in range(100):
                self.wfile.write(PAYLOAD[:1])
                self.wfile.flush()
                time.sleep(0.2)
            return
        if self.path == "/cut.bin":
            self.wfile.write(PAYLOAD[: len(PAYLOAD) // 3])
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_RDWR)  # the server goes away mid-body
            return
        body = PAYLOAD if self.path != "/changed.bin" else PAYLOAD[::-1]
        self.wfile.write(body)


@pytest.fixture
def server() -> Iterator[str]:
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    _Handler.requests = []
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def cache_files(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir()) if directory.exists() else []


def test_download_once_then_from_the_cache(server: str, tmp_path: Path) -> None:
    entry = RemoteFile("toy", f"{server}/data/toy.bin", DIGEST)
    path = fetch(entry, directory=tmp_path, quiet=True)
    assert path == tmp_path / "toy.bin" and path.read_bytes() == PAYLOAD
    assert fetch(entry, directory=tmp_path, quiet=True) == path
    assert _Handler.requests == ["/data/toy.bin"]  # the second fetch did not download
    assert cache_files(tmp_path) == ["toy.bin"]


def test_checksum_mismatch_keeps_nothing(server: str, tmp_path: Path) -> None:
    entry = RemoteFile("changed", f"{server}/changed.bin", DIGEST)
    with pytest.raises(DatasetError, match=r"checksum mismatch .*\(nothing was kept\)"):
        fetch(entry, directory=tmp_path, quiet=True)
    assert cache_files(tmp_path) == []


def test_interrupted_download_keeps_nothing(server: str, tmp_path: Path) -> None:
    entry = RemoteFile("cut", f"{server}/cut.bin", DIGEST)
    with pytest.raises(DatasetError) as info:
        fetch(entry, directory=tmp_path, quiet=True)
    assert "cut" in str(info.value) and "bytes" in str(info.value)
    assert cache_files(tmp_path) == []


def test_no_network_and_http_errors(server: str, tmp_path: Path) -> None:
    with socket.socket() as sock:  # a port that nothing listens on: connection refused
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    entry = RemoteFile("offline", f"http://127.0.0.1:{port}/x.bin", DIGEST)
    with pytest.raises(DatasetError, match=r"cannot download .*refused.* yourself"):
        fetch(entry, directory=tmp_path, quiet=True)
    with pytest.raises(DatasetError, match="HTTP 404"):
        fetch(RemoteFile("gone", f"{server}/missing.bin", DIGEST), directory=tmp_path, quiet=True)
    assert cache_files(tmp_path) == []


def test_a_corrupt_cached_file_is_replaced(server: str, tmp_path: Path) -> None:
    (tmp_path / "toy.bin").write_bytes(b"not the data")
    path = fetch(RemoteFile("toy", f"{server}/toy.bin", DIGEST), directory=tmp_path, quiet=True)
    assert sha256(path) == DIGEST
    assert cache_files(tmp_path) == ["toy.bin", "toy.bin.mismatch"]


def test_a_mismatching_file_stays_until_a_verified_one_replaces_it(
    server: str, tmp_path: Path
) -> None:
    (tmp_path / "toy.bin").write_bytes(b"the participant's own copy")
    with pytest.raises(DatasetError, match="HTTP 404"):
        fetch(RemoteFile("toy", f"{server}/missing.bin", DIGEST, "toy.bin"), directory=tmp_path)
    assert (tmp_path / "toy.bin").read_bytes() == b"the participant's own copy"
    assert cache_files(tmp_path) == ["toy.bin"]
    # Two mismatches in turn: the first copy moved aside is not overwritten by the second.
    (tmp_path / "toy.bin.mismatch").write_bytes(b"an earlier copy")
    fetch(RemoteFile("toy", f"{server}/toy.bin", DIGEST), directory=tmp_path, quiet=True)
    assert (tmp_path / "toy.bin.mismatch").read_bytes() == b"an earlier copy"
    assert (tmp_path / "toy.bin.mismatch-2").read_bytes() == b"the participant's own copy"
    assert sha256(tmp_path / "toy.bin") == DIGEST


def test_a_trickling_server_meets_the_whole_download_deadline(server: str, tmp_path: Path) -> None:
    entry = RemoteFile("slow", f"{server}/trickle.bin", DIGEST)
    started = time.monotonic()
    with pytest.raises(DatasetError, match=r"took longer than 1 s .*\(nothing was kept\)"):
        fetch(entry, directory=tmp_path, timeout=5, deadline=1, quiet=True)
    assert time.monotonic() - started < 15  # per read it never timed out: 20 s of trickle
    assert cache_files(tmp_path) == []


def test_registry_local_files_and_cache_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "source.bin"
    source.write_bytes(PAYLOAD)
    monkeypatch.setenv("DLC_DATA_DIR", str(tmp_path / "cache"))
    assert cache_dir() == tmp_path / "cache"
    register("local-toy", source.as_uri(), DIGEST.upper(), filename="toy.bin")
    assert fetch("local-toy", quiet=True) == tmp_path / "cache" / "toy.bin"
    with pytest.raises(DatasetError, match="already registered"):
        register("local-toy", source.as_uri(), "0" * 64)
    with pytest.raises(DatasetError, match="no such dataset; did you mean 'local-toy'"):
        fetch("local-tyo")
    with pytest.raises(DatasetError, match="sha256: expected 64 lower-case hex digits"):
        RemoteFile("bad", "http://x/y", "abc")
