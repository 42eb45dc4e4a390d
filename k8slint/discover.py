"""Command-line paths → an ordered list of sources to check.

Directories are walked recursively for ``*.yaml``, ``*.yml`` and ``*.json``, in sorted order,
skipping the default excludes (VCS folders, dependency and vendored trees, caches) and any
``--exclude`` glob. Symbolic links are never followed out of the root they were found under,
and symlinked directories are not descended into (no loops, no escapes). ``-`` is stdin.
"""
from __future__ import annotations

import os
import re
import stat
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Iterator, NamedTuple, Optional

MANIFEST_SUFFIXES = (".yaml", ".yml", ".json")
DEFAULT_EXCLUDES = (
    ".git", ".hg", ".svn", ".jj", "node_modules", "vendor", "third_party", ".venv", "venv",
    "__pycache__", ".tox", ".nox", ".mypy_cache", ".pytest_cache", ".ruff_cache",
    ".terraform", ".k8slint_cache",
)
_DEFAULT_EXCLUDED = frozenset(DEFAULT_EXCLUDES)
STDIN = "-"


class Source(NamedTuple):
    display: str  # the path as the user gave it (joined with the walked part), or the stdin name
    path: Optional[Path]  # None for stdin
    order: int  # position in the run, for deterministic report order


class InputError(NamedTuple):
    path: str
    reason: str

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


@lru_cache(maxsize=256)
def _glob_regex(pattern: str) -> re.Pattern[str]:
    """Translate a glob with ``**`` into a regex over '/'-separated relative paths."""
    out = []
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
            continue
        if pattern.startswith("**", i):
            out.append(".*")
            i += 2
            continue
        if c == "*":
            out.append("[^/]*")
        elif c == "?":
            out.append("[^/]")
        elif c == "[":
            end = pattern.find("]", i + 1)
            if end == -1:
                out.append(re.escape(c))
            else:
                body = pattern[i + 1:end].replace("\\", "\\\\")
                if body.startswith("!"):
                    body = "^" + body[1:]
                out.append(f"[{body}]")
                i = end
        else:
            out.append(re.escape(c))
        i += 1
    return re.compile("".join(out) + r"(?:/.*)?\Z")


def excluded(rel: str, patterns: Iterable[str]) -> bool:
    """Whether a '/'-separated relative path matches one of the globs.

    A glob without '/' matches a file or directory name at any depth (like .gitignore);
    a glob with '/' matches the path from the root. A match on a directory excludes
    everything below it.
    """
    rel = rel.strip("/")
    parts = rel.split("/")
    for pattern in patterns:
        pattern = pattern.strip()
        if pattern.startswith("./"):
            pattern = pattern[2:]
        pattern = pattern.rstrip("/")
        if not pattern:
            continue
        regex = _glob_regex(pattern)
        if "/" in pattern:
            if regex.match(rel):
                return True
        elif any(regex.match(part) for part in parts):
            return True
    return False


def _inside(path: Path, root: Path) -> bool:
    try:
        path.relative_to(root)
        return True
    except ValueError:
        return False


def _walk(root: Path, display_root: str, excludes: list[str]) -> Iterator[tuple[str, Path, str]]:
    """(display path, path, identity) of every manifest under ``root``.

    The identity (an absolute path, the target's for a symlink) lets a file reached twice be
    checked once, without resolving every path (a syscall per path component).
    """
    real_root = root.resolve()
    stack = [(root, "")]
    while stack:
        folder, rel = stack.pop()
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            continue
        subdirs = []
        for entry in entries:
            child_rel = f"{rel}/{entry.name}" if rel else entry.name
            if entry.name in _DEFAULT_EXCLUDED or (excludes and excluded(child_rel, excludes)):
                continue
            try:
                is_link = entry.is_symlink()
                is_dir = entry.is_dir(follow_symlinks=False)
            except OSError:
                continue
            if is_dir:
                subdirs.append((Path(entry.path), child_rel))
                continue
            if not entry.name.endswith(MANIFEST_SUFFIXES):
                continue
            path = Path(entry.path)
            identity = os.path.abspath(entry.path)
            if is_link:
                try:
                    target = path.resolve(strict=True)
                except (OSError, RuntimeError):
                    continue  # dangling link or loop
                if not _inside(target, real_root) or not target.is_file():
                    continue
                identity = str(target)
            display = os.path.join(display_root, *child_rel.split("/")) if display_root not in (".", "./") else child_rel
            yield display, path, identity
        # Files of a folder first, then its subfolders depth-first in name order.
        stack.extend(reversed(subdirs))


def _relative_arg(arg: str) -> str:
    rel = Path(arg).as_posix()
    while rel.startswith("./"):
        rel = rel[2:]
    return rel


def discover(
    paths: list[str], excludes: Optional[list[str]] = None, stdin_name: str = "<stdin>"
) -> tuple[list[Source], list[InputError]]:
    excludes = list(excludes or [])
    sources: list[Source] = []
    errors: list[InputError] = []
    seen: set[str] = set()

    def add(display: str, path: Optional[Path], key: str) -> None:
        if key in seen:
            return
        seen.add(key)
        sources.append(Source(display, path, len(sources)))

    for arg in paths:
        if arg == STDIN:
            add(stdin_name, None, "\0stdin")
            continue
        path = Path(arg)
        try:
            st = path.stat()
        except FileNotFoundError:
            errors.append(InputError(arg, "no such file or directory"))
            continue
        except OSError as err:
            errors.append(InputError(arg, err.strerror or str(err)))
            continue
        if stat.S_ISDIR(st.st_mode):
            real_root = str(path.resolve())
            for display, child, identity in _walk(path, arg, excludes):
                # identities under a walked root are absolute but not resolved; make them
                # comparable with explicitly given files by rebasing them on the real root
                rel = os.path.relpath(identity, os.path.abspath(arg))
                add(display, child, identity if rel.startswith("..") else os.path.join(real_root, rel))
        elif stat.S_ISREG(st.st_mode):
            if excludes and excluded(_relative_arg(arg), excludes):
                continue
            add(arg, path, str(path.resolve()))
        else:
            errors.append(InputError(arg, "not a regular file or directory"))
    return sources, errors
