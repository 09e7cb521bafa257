# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""The audit's items on what is committed: the notebook, no data or runs, no big files."""

from __future__ import annotations

import json
import re

from dlc_common.review.checking import (
    Findings,
    Repo,
    listed,
    plural,
)

# The template's .pre-commit-config.yaml (check-added-large-files --maxkb=1024): DESIGN.md
# names no number of its own.
DEFAULT_MAX_KB = 1024
# Committed by mistake: run outputs, checkpoints, data, caches (matched per path component).
_OUTPUT_DIRS = {
    "runs", "checkpoints", "data", "datasets", "wandb", "mlruns", "lightning_logs",
    ".ipynb_checkpoints", "__pycache__", ".venv", ".nox", ".pytest_cache", "saved_model",
}  # fmt: skip
_OUTPUT_SUFFIXES = (
    ".h5", ".hdf5", ".keras", ".ckpt", ".tflite", ".onnx", ".pt", ".pth", ".pkl", ".pickle",
    ".joblib", ".npz", ".npy", ".tfrecord", ".tfrecords", ".zip", ".tar", ".tar.gz", ".tgz",
    ".gz", ".bz2", ".xz", ".7z", ".rar", ".parquet", ".feather", ".arrow", ".mat", ".pyc",
    ".data-00000-of-00001", ".index",
)  # fmt: skip
_OUTPUT_NAME = re.compile(
    r"^(checkpoint|events\.out\.tfevents\..*|slurm-.*\.out|.*\.ckpt.*|\.DS_Store)$"
)


def check_notebook(repo: Repo, facts: dict) -> Findings:
    r = Findings()
    name = facts.get("repo_name") or repo.path.name
    expected = f"notebooks/{name}.ipynb"
    notebooks = [n for n in repo.tracked if n.endswith(".ipynb")]
    clutter = [n for n in repo.tracked if ".ipynb_checkpoints/" in f"/{n}"]
    if clutter:
        r.fail(
            f".ipynb_checkpoints committed: {listed(clutter, 3)}",
            "git rm -r --cached the .ipynb_checkpoints folders (.gitignore keeps them out)",
        )
    notebooks = [n for n in notebooks if n not in clutter]
    if expected not in notebooks:
        found = f" (found {listed(notebooks, 3)})" if notebooks else ""
        r.fail(
            f"{expected} is not committed{found}",
            (
                f"name the notebook {expected} and commit it"
                if notebooks
                else f"add the notebook {expected} that drives the package's code"
            ),
        )
    others = [n for n in notebooks if n != expected]
    if others and expected in notebooks:
        r.warn(
            f"other notebooks besides {expected}: {listed(others, 3)}",
            f"fold them into {expected}, or say in README.md what each is for",
        )
    blobs = repo.committed(notebooks)
    for notebook in notebooks:
        data = blobs.get(notebook)
        if data is None:
            continue
        try:
            document = json.loads(data)
            cells = document.get("cells", [])
            assert isinstance(cells, list)
        except (ValueError, AttributeError, AssertionError):
            r.fail(f"{notebook} is not a notebook (JSON, nbformat 4)", f"commit {notebook} again")
            continue
        code = [c for c in cells if isinstance(c, dict) and c.get("cell_type") == "code"]
        outputs = [i for i, c in enumerate(cells, 1) if c in code and c.get("outputs")]
        counts = [i for i, c in enumerate(cells, 1) if c in code and c.get("execution_count")]
        if outputs or counts:
            where = []
            if outputs:
                where.append(f"outputs in cells {listed([str(i) for i in outputs], 4)}")
            if counts:
                where.append(f"execution counts in cells {listed([str(i) for i in counts], 4)}")
            r.fail(
                f"{notebook} is committed with {' and '.join(where)}",
                f"strip {notebook} (nbstripout {notebook}, or Clear All Outputs) and commit it",
            )
        if document.get("nbformat") != 4:
            r.warn(f"{notebook} is nbformat {document.get('nbformat')}", "save it as nbformat 4")
    r.note(f"{expected}: committed, no outputs, no execution counts")
    return r


def _output_file(name: str) -> bool:
    parts = name.split("/")
    if any(part in _OUTPUT_DIRS for part in parts[:-1]):
        return True
    if any(part.endswith(".egg-info") for part in parts[:-1]):
        return True
    base = parts[-1]
    return base.lower().endswith(_OUTPUT_SUFFIXES) or bool(_OUTPUT_NAME.match(base))


def check_committed_files(repo: Repo, facts: dict) -> Findings:
    r = Findings()
    found = [n for n in repo.tracked if _output_file(n)]
    if found:
        r.fail(
            f"committed: {listed(found, 4)}",
            f"remove them from git (git rm --cached {found[0]} ...) and let .gitignore keep them "
            "out: data are downloaded with their checksum, runs are reproduced",
        )
    if repo.head:
        added = repo.git_or_none(
            "log", "--format=", "--name-only", "--relative", "--diff-filter=A", "HEAD", "--", "."
        )
        gone = sorted({n for n in (added or "").splitlines() if n and _output_file(n)} - set(found))
        if gone:
            r.warn(
                f"removed since, but still in the history (every clone downloads them): "
                f"{listed(gone, 3)}",
                "leave the history as it is if it is published; otherwise a maintainer can "
                "rewrite it (git filter-repo)",
            )
    r.note(f"{plural(len(repo.tracked), 'committed file')}, none a data set, checkpoint or run")
    return r


def check_file_sizes(repo: Repo, facts: dict) -> Findings:
    r = Findings()
    config = repo.text(".pre-commit-config.yaml") or ""
    match = re.search(r"--maxkb[= ](\d+)", config)
    limit = int(match.group(1)) if match else DEFAULT_MAX_KB
    source = ".pre-commit-config.yaml" if match else "the template's check-added-large-files"
    big = []
    if repo.head:
        listing = repo.git("ls-tree", "-r", "-l", "-z", "HEAD", "--", ".")
        for entry in listing.split("\0"):
            meta, _, name = entry.partition("\t")
            fields = meta.split()
            if len(fields) == 4 and fields[1] == "blob" and fields[3].isdigit():
                size = int(fields[3])
                if size > limit * 1024:
                    big.append((name, size))
    for name in repo.tracked:  # staged but not yet committed: on disk
        path = repo.path / name
        if name not in {n for n, _ in big} and path.is_file() and not path.is_symlink():
            size = path.stat().st_size
            if size > limit * 1024:
                big.append((name, size))
    if big:
        shown = [f"{name} ({-(-size // 1024)} KB)" for name, size in big]
        r.fail(
            f"over {limit} KB ({source}): {listed(shown, 4)}",
            "take them out of git (data and weights are downloaded or reproduced, figures made "
            f"smaller) so that every file stays under {limit} KB",
        )
    r.note(f"every committed file is under {limit} KB ({source})")
    return r


def check_worktree(repo: Repo, facts: dict) -> Findings:
    r = Findings()
    status = repo.git_or_none("status", "--porcelain", "--untracked-files=no", "--", ".") or ""
    changed = [line[3:] for line in status.splitlines() if line.strip()]
    if changed:
        r.warn(
            f"the audit read the working tree, where {listed(changed, 4)} differ from HEAD",
            "commit them (or discard them): reviewers and CI audit the commit",
        )
    r.note(f"no uncommitted changes to committed files (HEAD {str(repo.head)[:12]})")
    return r
