# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""``dlc new`` asks like a good wizard, under a real terminal (a pseudo-terminal from pty)."""

from __future__ import annotations

import fcntl
import os
import pty
import select
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest
import yaml

from tests.bakery import ROOT, isolated_env


class Terminal:
    """A command on a pseudo-terminal: what it printed, and a way to type answers."""

    def __init__(self, args: list[str], cwd: Path, env: dict[str, str]) -> None:
        self.master, slave = pty.openpty()
        self.process = subprocess.Popen(
            args,
            stdin=slave,
            stdout=slave,
            stderr=slave,
            cwd=cwd,
            env=env,
            close_fds=True,
            start_new_session=True,  # its own session, whose controlling terminal is the pty:
            preexec_fn=lambda: fcntl.ioctl(0, termios.TIOCSCTTY, 0),  # Ctrl-C sends SIGINT
        )
        os.close(slave)
        self.output = ""
        self.seen = 0  # how much of the output expect() has consumed

    def _read(self, timeout: float) -> bool:
        ready, _, _ = select.select([self.master], [], [], timeout)
        if not ready:
            return False
        try:
            data = os.read(self.master, 65536)
        except OSError:  # the command ended and closed the terminal
            return False
        self.output += data.decode("utf-8", "replace").replace("\r\n", "\n")
        return bool(data)

    def expect(self, text: str, timeout: float = 60) -> str:
        """Wait until ``text`` is printed after what was expected before; return what came."""
        deadline = time.monotonic() + timeout
        while text not in self.output[self.seen :]:
            if time.monotonic() > deadline or (
                not self._read(0.2) and self.process.poll() is not None
            ):
                raise AssertionError(f"{text!r} never came; the terminal shows:\n{self.output}")
        end = self.output.index(text, self.seen) + len(text)
        came, self.seen = self.output[self.seen : end], end
        return came

    def type(self, line: str) -> None:
        os.write(self.master, line.encode("utf-8") + b"\r")

    def finish(self, timeout: float = 120) -> int:
        deadline = time.monotonic() + timeout
        while self.process.poll() is None and time.monotonic() < deadline:
            self._read(0.2)
        while self._read(0.1):
            pass
        os.close(self.master)
        return self.process.wait(timeout=5)


@pytest.fixture
def wizard_env(tmp_path: Path) -> dict[str, str]:
    home = tmp_path / "home"
    env = isolated_env(home)
    (home / "gitconfig").write_text(
        "[user]\n\tname = Ada Lovelace\n\temail = ada@example.org\n", "utf-8"
    )
    env["PYTHONPATH"] = str(ROOT)
    env["TERM"] = "dumb"
    return env


def dlc_new(tmp_path: Path, env: dict[str, str], *args: str) -> Terminal:
    command = [sys.executable, "-m", "dlc_common", "new", "--template", str(ROOT), *args]
    return Terminal([*command, "-o", "out"], tmp_path, env)


def test_a_wrong_year_is_asked_again_and_the_bake_then_succeeds(
    tmp_path: Path, wizard_env: dict[str, str]
) -> None:
    term = dlc_new(tmp_path, wizard_env)
    term.expect("[1/15] What do you replicate: paper or patent? [paper]: ")
    term.type("")
    term.expect("[2/15] Title, exactly as printed")
    term.type("Graph networks for the rest of us")
    term.expect("[3/15] Authors")
    term.type("Doe, Jane and Roe, Richard")
    term.expect("[4/15] Year of publication (four digits) [2015]: ")
    term.type("nineteen")
    term.expect("'nineteen' is not a four-digit year; write the year of publication")
    term.expect("[4/15] Year of publication (four digits)")
    term.type("2019")
    # Another paper: the example's identifier is not offered, nothing is.
    term.expect("[5/15] arXiv id or DOI of the paper (patent number of a patent); ")
    assert term.expect(": ").endswith("but a url: ")
    term.type("10.1000/graphs.2019")
    term.expect("[6/15] Web address")
    term.type("")
    came = term.expect("[8/15] How many replications")  # no assignee for a paper
    assert "The repository will be named DoeRoe2019; if N other replications" in came
    term.type("")
    term.expect("[9/15] Your name [Ada Lovelace]: ")  # from git config
    term.type("")
    term.expect("[10/15] Your e-mail address [ada@example.org]: ")
    term.type("")
    for number in range(11, 16):
        term.expect(f"[{number}/15] ")
        term.type("")
    came = term.expect("Create it? [Y/n]: ")
    assert "Repository: DoeRoe2019 (counter 0: the first replication of this paper)" in came
    assert f"in {tmp_path / 'out' / 'DoeRoe2019'}" in came
    assert not (tmp_path / "out").exists()  # nothing written before the participant agrees
    term.type("y")
    term.expect("Created ")
    assert term.finish() == 0, term.output
    project = tmp_path / "out" / "DoeRoe2019"
    citation = yaml.safe_load((project / "CITATION.cff").read_text("utf-8"))
    assert citation["authors"][0] == {
        "family-names": "Lovelace",
        "given-names": "Ada",
        "email": "ada@example.org",
    }
    assert citation["references"][0]["doi"] == "10.1000/graphs.2019"
    assert citation["references"][0]["year"] == 2019


# (question number, what is typed first, the reason it is refused, what is typed then)
BAD_THEN_GOOD = [
    (1, "book", "'book' is not a kind; write paper or patent", "paper"),
    (2, "A title", None, None),  # a blank title takes the default: nothing to refuse
    (3, "王小明", "romanised", "Doe, Jane"),
    (4, "86", "'86' is not a four-digit year", "1986"),
    (5, "not an id", None, None),  # free text is fine if a url comes with it...
    (6, "", "is neither an arXiv id", "https://example.org/paper"),  # ...and here none did
    (8, "two", "positive integer", "2"),
    (9, "Eve <b>", "write your name as plain text", "Eve Example"),
    (10, "eve", "'eve' is not an e-mail address", "eve@example.org"),
    (11, "-eve-", "is not a GitHub account name", "eve"),
    (12, "a b", "is not a GitHub organisation", "eve-lab"),
    (13, "2.7", "write 3.10, 3.11, 3.12 or 3.13", "3.12"),
    (14, "1.15.0", "is not a TensorFlow 2 release", "2.20.0"),
    (15, "gpu, a b", "'a b' is not a runner label", "self-hosted, gpu"),
]


def test_every_answer_is_checked_as_it_is_typed_and_asked_again(
    tmp_path: Path, wizard_env: dict[str, str]
) -> None:
    term = dlc_new(tmp_path, wizard_env)
    for number, bad, reason, good in BAD_THEN_GOOD:
        term.expect(f"[{number}/15] ")
        term.expect(": ")
        term.type(bad)
        if reason is None:
            continue
        came = term.expect(f"[{number}/15] ")  # the same question again, after the reason
        assert f"{reason}" in came and "try again" in came, came
        term.expect(": ")
        term.type(good)
    came = term.expect("Create it? [Y/n]: ")
    assert "Repository: Doe1986_2 (counter 2: 2 other replications exist already)" in came
    assert "for https://github.com/eve-lab/Doe1986_2" in came
    term.type("n")
    term.expect("nothing was created")
    assert term.finish() == 1
    assert not (tmp_path / "out").exists()


def test_answers_from_bibtex_are_not_asked_again_and_missing_ones_are(
    tmp_path: Path, wizard_env: dict[str, str]
) -> None:
    bib = tmp_path / "one.bib"
    bib.write_text(
        "@article{NoId2017, title = {A paper without identifiers}, year = 2017,\n"
        "  author = {Smith, John and Doe, Jane}, journal = {Phys. Life Rev.}}\n",
        "utf-8",
    )
    term = dlc_new(tmp_path, wizard_env, "--bibtex", str(bib), "year=15")
    came = term.expect("[4/15] ")
    assert "From the BibTeX entry and the command line:" in came
    assert "  title: A paper without identifiers" in came
    assert "[1/15]" not in came and "[2/15]" not in came and "[3/15]" not in came
    assert "year: '15' cannot be used" in came and "'15' is not a four-digit year" in came
    term.expect(": ")
    term.type("2017")
    came = term.expect(": ")
    assert "[5/15] arXiv id or DOI" in came and "[arXiv" not in came  # no example offered
    term.type("arXiv:1703.08864")
    term.expect("[6/15] ")
    term.type("")
    for number in range(8, 16):
        term.expect(f"[{number}/15] ")
        term.type("")
    came = term.expect("Create it? [Y/n]: ")
    assert "Repository: SmithDoe2017 (counter 0" in came
    term.type("")
    assert term.finish() == 0, term.output
    citation = (tmp_path / "out" / "SmithDoe2017" / "CITATION.cff").read_text("utf-8")
    assert 'value: "arXiv:1703.08864"' in citation and "1412.7753" not in citation


def test_ctrl_c_stops_without_a_traceback_or_a_file(
    tmp_path: Path, wizard_env: dict[str, str]
) -> None:
    term = dlc_new(tmp_path, wizard_env)
    term.expect("[1/15] ")
    term.expect("[paper]: ")
    # As a person would, a moment after the prompt: a signal that lands between the prompt and
    # the read waits in Python until the read returns (CPython's input()), so not at once.
    time.sleep(1)
    os.write(term.master, b"\x03")
    term.expect("dlc new: stopped; nothing was created")
    assert term.finish() == 1
    assert "Traceback" not in term.output
    assert not (tmp_path / "out").exists()
