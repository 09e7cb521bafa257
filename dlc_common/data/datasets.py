# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""A registry of dataset files: download once, check SHA-256, write atomically into the cache.

The cache is ``$DLC_DATA_DIR`` (default ``~/.cache/dlc/data``). A file appears there only
complete and with the registered checksum: a download goes to a temporary file beside it and
is renamed into place after the check, so a checksum mismatch, a connection cut mid-body or
no network at all leaves the cache as it was. Standard library only.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

__all__ = ["DatasetError", "RemoteFile", "cache_dir", "fetch", "register", "registered", "sha256"]

_HEX64 = re.compile(r"[0-9a-f]{64}")
_REGISTRY: dict[str, RemoteFile] = {}
_CHUNK = 1 << 20


class DatasetError(RuntimeError):
    """A dataset that could not be fetched or verified, saying why and what to do."""


@dataclass(frozen=True)
class RemoteFile:
    """One file of a dataset: where to get it and the SHA-256 it must have."""

    name: str
    url: str
    sha256: str
    filename: str = ""

    def __post_init__(self) -> None:
        if not _HEX64.fullmatch(self.sha256):
            raise DatasetError(
                f"{self.name}: sha256: expected 64 lower-case hex digits, got {self.sha256!r}; "
                "compute it with: sha256sum FILE"
            )
        if not self.filename:
            tail = self.url.rstrip("/").rsplit("/", 1)[-1].split("?")[0]
            object.__setattr__(self, "filename", tail or self.name)
        if "/" in self.filename or self.filename in ("", ".", ".."):
            raise DatasetError(f"{self.name}: filename: {self.filename!r} is not a plain file name")


def register(name: str, url: str, sha256: str, filename: str = "") -> RemoteFile:
    """Register a dataset file under ``name``; registering the same name differently is an error."""
    entry = RemoteFile(name, url, sha256.lower(), filename)
    if name in _REGISTRY and _REGISTRY[name] != entry:
        raise DatasetError(f"{name}: already registered as {_REGISTRY[name]}")
    _REGISTRY[name] = entry
    return entry


def registered() -> dict[str, RemoteFile]:
    """The registered dataset files by name."""
    return dict(_REGISTRY)


def cache_dir() -> Path:
    """The dataset cache: ``$DLC_DATA_DIR``, else ``~/.cache/dlc/data``."""
    configured = os.environ.get("DLC_DATA_DIR", "").strip()
    return Path(configured).expanduser() if configured else Path.home() / ".cache" / "dlc" / "data"


def sha256(path: str | Path) -> str:
    """The SHA-256 of a file, as 64 hex digits."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _aside(target: Path) -> Path:
    """A free name beside ``target`` for a file with the wrong checksum: never overwrites."""
    aside, n = target.with_name(target.name + ".mismatch"), 1
    while aside.exists():
        n += 1
        aside = target.with_name(f"{target.name}.mismatch-{n}")
    return aside


def _download(
    entry: RemoteFile, target: Path, timeout: float, quiet: bool, deadline: float | None = None
) -> None:
    # Imported here: urllib.request pulls in ssl and email, too slow for every CLI start.
    import http.client
    import urllib.error
    import urllib.request

    fd, tmp = tempfile.mkstemp(prefix=f".{entry.filename}.", suffix=".part", dir=target.parent)
    try:
        digest, received = hashlib.sha256(), 0
        # ``timeout`` bounds each read; the deadline bounds the whole download, so that a
        # server trickling a byte at a time cannot hold a run for hours.
        stop_at = None if deadline is None else time.monotonic() + deadline
        with os.fdopen(fd, "wb") as out:
            request = urllib.request.Request(entry.url, headers={"User-Agent": "dlc-common"})
            with urllib.request.urlopen(request, timeout=timeout) as response:
                expected = response.headers.get("Content-Length")
                while chunk := response.read1(_CHUNK):
                    out.write(chunk)
                    digest.update(chunk)
                    received += len(chunk)
                    if stop_at is not None and time.monotonic() > stop_at:
                        raise DatasetError(
                            f"{entry.name}: the download from {entry.url} took longer than "
                            f"{deadline:g} s ({received} bytes so far); try again later or "
                            "pass a longer deadline (nothing was kept)"
                        )
            if expected is not None and received != int(expected):
                raise DatasetError(
                    f"{entry.name}: the download stopped after {received} of {expected} bytes "
                    f"from {entry.url}; try again (nothing was kept)"
                )
            out.flush()
            os.fsync(out.fileno())
        if digest.hexdigest() != entry.sha256:
            raise DatasetError(
                f"{entry.name}: checksum mismatch for {entry.url}: got sha256 {digest.hexdigest()}"
                f", registered {entry.sha256}; the file changed upstream or the registration is "
                "wrong (nothing was kept)"
            )
        if target.exists():  # a file with the wrong checksum: aside only now, once replaced
            aside = _aside(target)
            os.replace(target, aside)
            if not quiet:
                print(f"dlc: {target} had the wrong checksum; moved to {aside}", file=sys.stderr)
        os.replace(tmp, target)
        if not quiet:
            print(f"dlc: fetched {entry.name} ({received} bytes) into {target}", file=sys.stderr)
    except urllib.error.HTTPError as exc:
        raise DatasetError(
            f"{entry.name}: {entry.url} answered HTTP {exc.code} {exc.reason}; check the URL"
        ) from None
    except (urllib.error.URLError, OSError, http.client.HTTPException) as exc:
        reason = getattr(exc, "reason", None) or exc
        if isinstance(exc, http.client.IncompleteRead):
            reason = f"the connection closed after {len(exc.partial)} bytes of the body"
        raise DatasetError(
            f"{entry.name}: cannot download {entry.url}: {reason}; check the network "
            f"or place the file (sha256 {entry.sha256}) at {target} yourself"
        ) from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)


def fetch(
    dataset: str | RemoteFile,
    *,
    directory: str | Path | None = None,
    timeout: float = 60.0,
    deadline: float | None = 3600.0,
    quiet: bool = False,
) -> Path:
    """The path of a dataset file in the cache, downloading and checking it first if needed.

    ``timeout`` bounds each network read, ``deadline`` the whole download (None: no bound).
    A file in the cache with the wrong checksum stays where it is until the registered file
    has been downloaded and verified; then it is moved aside (``NAME.mismatch``, never
    overwriting an earlier one).
    """
    if isinstance(dataset, str):
        if dataset not in _REGISTRY:
            import difflib

            close = difflib.get_close_matches(dataset, list(_REGISTRY), n=1)
            hint = f"did you mean {close[0]!r}?" if close else "register it with register()"
            raise DatasetError(f"{dataset}: no such dataset; {hint}")
        dataset = _REGISTRY[dataset]
    root = Path(directory) if directory is not None else cache_dir()
    root.mkdir(parents=True, exist_ok=True)
    target = root / dataset.filename
    if target.exists() and sha256(target) == dataset.sha256:
        return target
    # A file with the wrong checksum (copied in, or from an older registration) is not ours
    # to trust, nor to lose: _download moves it aside once a verified file replaces it.
    _download(dataset, target, timeout, quiet, deadline)
    return target
