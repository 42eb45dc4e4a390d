"""Where each report goes: ``--format``/``--output`` pairs, and writing report files safely.

The n-th ``--output`` receives the n-th ``--format`` (as in Checkov); formats left without an
output go to standard output (at most one may), outputs left without a format take it from
their extension (``.sarif`` → sarif, ``.json`` → json, ``.xml`` → junit, otherwise text).
``-`` as an output means standard output. With no format at all: ``github`` inside GitHub
Actions (``GITHUB_ACTIONS=true``), ``text`` everywhere else.
"""
from __future__ import annotations

import os
from typing import Mapping, Optional

from k8slint.named_tuple import NamedTuple

STDOUT = "-"


class Output(NamedTuple):
    format: str
    path: Optional[str]  # None: standard output


class OutputError(ValueError):
    """--format/--output that cannot be honoured, or a report file that cannot be written."""


def format_for(path: str) -> str:
    name = path.lower()
    if name.endswith((".sarif", ".sarif.json")):
        return "sarif"
    if name.endswith(".json"):
        return "json"
    if name.endswith(".xml"):
        return "junit"
    return "text"


def default_format(environ: Optional[Mapping[str, str]] = None) -> str:
    env = os.environ if environ is None else environ
    return "github" if env.get("GITHUB_ACTIONS") == "true" else "text"


def plan(formats: list[str], outputs: list[str], environ: Optional[Mapping[str, str]] = None) -> list[Output]:
    if not formats and not outputs:
        return [Output(default_format(environ), None)]
    planned = []
    for i, path in enumerate(outputs):
        fmt = formats[i] if i < len(formats) else format_for(path)
        planned.append(Output(fmt, None if path == STDOUT else path))
    planned.extend(Output(fmt, None) for fmt in formats[len(outputs):])
    to_stdout = [o.format for o in planned if o.path is None]
    if len(to_stdout) > 1:
        raise OutputError(
            f"only one report can go to standard output, got {', '.join(to_stdout)}: "
            "give an --output FILE for each other --format (the n-th --output takes the n-th --format)"
        )
    files = [o.path for o in planned if o.path is not None]
    if len(set(files)) != len(files):
        raise OutputError("two reports would be written to the same --output file")
    return planned


def _temporary(folder: str) -> "tuple[int, str]":
    """A new file in ``folder``, only its owner may read it: (descriptor, path). What
    ``tempfile.mkstemp(prefix=".k8slint-", suffix=".tmp", dir=folder)`` does, without importing
    tempfile (7 ms: shutil, random, bz2, lzma), which a warm run writing its snapshot paid."""
    flags = os.O_RDWR | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    flags |= getattr(os, "O_BINARY", 0)
    for _ in range(100):
        path = os.path.join(folder, f".k8slint-{os.urandom(6).hex()}.tmp")
        try:
            return os.open(path, flags, 0o600), path
        except FileExistsError:
            continue
    raise FileExistsError(f"no free name for a temporary file in {folder}")


def write_atomically(path: str, text: "str | bytes") -> None:
    """Write ``text`` (or bytes) to ``path`` through a temporary file in the same folder and a
    rename, so that a reader never sees half a file and an interrupted run leaves the old one.

    A symbolic link is followed: the file it points to is replaced, the link stays. Something
    that is not a regular file (``-o /dev/null``, a named pipe) is written to directly: a
    rename would replace it with a regular file (for root, /dev/null itself)."""
    import stat

    data = text.encode("utf-8") if isinstance(text, str) else text
    path = os.path.realpath(path)
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        mode = None
    if mode is not None and not stat.S_ISREG(mode) and not stat.S_ISDIR(mode):
        with open(path, "wb") as handle:
            handle.write(data)
        return
    folder = os.path.dirname(path)
    fd, tmp = _temporary(folder)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        if mode is not None:
            os.chmod(tmp, mode & 0o7777)
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
