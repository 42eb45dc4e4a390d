"""Command-line paths → an ordered list of sources to check.

Directories are walked recursively for ``*.yaml``, ``*.yml`` and ``*.json``, in sorted order,
skipping the default excludes (VCS folders, dependency and vendored trees, caches) and any
``--exclude`` glob. Symbolic links are never followed out of the root they were found under,
and symlinked directories are not descended into (no loops, no escapes). ``-`` is stdin.

Only regular files are ever opened: a FIFO, a socket or a device, given or found under a
walked folder with a manifest suffix, is an input error ("not a regular file: ..."), as is a
symbolic link loop; a path that cannot be read is reported with its reason and the rest is
still checked. Names are displayed printable: bytes that are not UTF-8 show as ``\\xe9`` and
control characters as ``\\n``, ``\\x1b`` (see ``display_name``), in every report format.
"""
from __future__ import annotations

import errno
import os
import re
import stat
from functools import lru_cache
from typing import Any, Iterable, Iterator, Optional

from k8slint.named_tuple import NamedTuple
from k8slint.pathtext import clean, inside, posix, resolve

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
    path: Optional[str]  # None for stdin; as pathlib prints it (a run does not import pathlib)
    order: int  # position in the run, for deterministic report order


class InputError(NamedTuple):
    path: str
    reason: str

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def display_name(name: str) -> str:
    """A path as shown in reports: printable, on one line, in every output format.

    Bytes of a file name that are not UTF-8 (surrogate-escaped by Python) show as ``\\xe9``,
    control and other unprintable characters as ``\\n``, ``\\x1b`` or ``\\u200b``."""
    if name.isprintable():
        return name
    out = []
    for ch in name:
        code = ord(ch)
        if ch.isprintable():
            out.append(ch)
        elif ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif 0xDC80 <= code <= 0xDCFF:  # an undecodable byte (os.fsdecode's surrogateescape)
            out.append(f"\\x{code - 0xDC00:02x}")
        elif code < 0x80:
            out.append(f"\\x{code:02x}")
        elif code <= 0xFFFF:
            out.append(f"\\u{code:04x}")
        else:
            out.append(f"\\U{code:08x}")
    return "".join(out)


_REASONS = {
    errno.ENOENT: "no such file or directory",
    errno.ELOOP: "symbolic link loop",
    errno.EACCES: "permission denied",
    errno.EPERM: "operation not permitted",
    errno.EISDIR: "is a directory",
    errno.ENOTDIR: "not a directory",
    errno.ENAMETOOLONG: "file name too long",
}


class NotRegularFile(OSError):
    """A FIFO, a socket or a device where a manifest was expected: never opened."""


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    return "a special file"


def _not_regular(mode: int, path: object, directory_too: bool = False) -> NotRegularFile:
    what = "not a regular file or directory" if directory_too else "not a regular file"
    return NotRegularFile(errno.EINVAL, f"{what}: {_kind(mode)}", path)


def reason(err: BaseException) -> str:
    """One lower-case line saying why a path could not be read."""
    if isinstance(err, NotRegularFile):
        return str(err.strerror)
    if isinstance(err, RuntimeError):  # Path.resolve before 3.13: "Symlink loop from ..."
        return _REASONS[errno.ELOOP]
    if isinstance(err, OSError):
        if err.errno in _REASONS:
            return _REASONS[err.errno]
        text = err.strerror or str(err)
    else:
        text = str(err)
    text = " ".join(text.split())
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


_O_READ = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)


class TooLarge(Exception):
    """A file over --max-file-size (see k8slint.limits): not read."""

    def __init__(self, size: int):
        super().__init__(size)
        self.size = size


def read_regular(path: "os.PathLike[str] | str", max_size: Optional[int] = None) -> bytes:
    """The bytes of a regular file; anything else (a FIFO, a device, a directory, a file that
    became one since it was found) raises OSError without being read, and a FIFO or a device
    is never even opened (checked before, and again on the open descriptor against races).
    A file over ``max_size`` bytes raises TooLarge and is not read (a file growing meanwhile
    is read no further than the limit)."""
    st = os.stat(path)
    if stat.S_ISDIR(st.st_mode):
        raise IsADirectoryError(errno.EISDIR, "is a directory", os.fspath(path))
    if not stat.S_ISREG(st.st_mode):
        raise _not_regular(st.st_mode, os.fspath(path))
    fd = os.open(path, _O_READ)
    try:
        st = os.fstat(fd)
        if stat.S_ISDIR(st.st_mode):
            raise IsADirectoryError(errno.EISDIR, "is a directory", os.fspath(path))
        if not stat.S_ISREG(st.st_mode):
            raise _not_regular(st.st_mode, os.fspath(path))
        if max_size is not None and st.st_size > max_size:
            raise TooLarge(st.st_size)
        return read_descriptor(fd, st.st_size, max_size)
    finally:
        os.close(fd)


def read_descriptor(fd: int, size: int, max_size: Optional[int] = None) -> bytes:
    """What is left to read of ``fd``, expected to be ``size`` bytes; TooLarge past ``max_size``.

    Reads the descriptor directly: a buffered file object asked for ``max_size + 1`` bytes
    allocates that much for every file, which made reading the files a tenth of a warm run."""
    chunks: list[bytes] = []
    total = 0
    want = size + 1  # one more than expected: a file that grew since fstat is read on
    while True:
        if max_size is not None:
            want = min(want, max_size + 1 - total)
            if want <= 0:
                break
        chunk = os.read(fd, want)
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
        want = 1 << 16
    data = chunks[0] if len(chunks) == 1 else b"".join(chunks)
    if max_size is not None and len(data) > max_size:
        raise TooLarge(len(data))
    return data


def read_limited(stream: Any, max_size: Optional[int]) -> bytes:
    """All of a stream, or TooLarge once it has more than ``max_size`` bytes (never more read)."""
    if max_size is None:
        return stream.read()  # type: ignore[no-any-return]
    data = stream.read(max_size + 1)
    if len(data) > max_size:
        raise TooLarge(len(data))
    return data  # type: ignore[no-any-return]


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


def _walk(
    root: str, display_root: str, excludes: list[str], errors: list[InputError]
) -> Iterator[tuple[str, str, str, bool]]:
    """(display path, path, identity, linked) of every manifest under ``root``; what cannot be
    read (a folder, a link loop, a FIFO or device named like a manifest) goes to ``errors``.

    The identity (an absolute path, the target's for a symlink: ``linked``) lets a file reached
    twice be checked once, without resolving every path (a syscall per path component). Each
    folder is made absolute once, not each file (abspath asks for the working folder).
    """
    real_root = resolve(root)
    stack = [(root, "", os.path.abspath(root))]

    def shown(rel: str) -> str:
        if not rel:
            return display_root
        return os.path.join(display_root, *rel.split("/")) if display_root not in (".", "./") else rel

    while stack:
        folder, rel, absolute = stack.pop()
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as err:
            errors.append(InputError(display_name(shown(rel)), reason(err)))
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
                subdirs.append((entry.path, child_rel, os.path.join(absolute, entry.name)))
                continue
            if not entry.name.endswith(MANIFEST_SUFFIXES):
                continue
            path = clean(entry.path)  # "./a.yaml" under ".": "a.yaml", as pathlib printed it
            identity = os.path.join(absolute, entry.name)  # os.path.abspath(entry.path)
            if is_link:
                try:
                    target = resolve(path, strict=True)
                except FileNotFoundError:
                    continue  # a dangling link
                except OSError as err:  # a loop
                    errors.append(InputError(display_name(shown(child_rel)), reason(err)))
                    continue
                if not inside(target, real_root):
                    continue  # never followed out of the root (nor opened)
                try:
                    mode = os.stat(target).st_mode
                except OSError as err:
                    errors.append(InputError(display_name(shown(child_rel)), reason(err)))
                    continue
                if stat.S_ISDIR(mode):
                    continue  # symlinked directories are not descended
                if not stat.S_ISREG(mode):
                    errors.append(InputError(display_name(shown(child_rel)), reason(_not_regular(mode, target))))
                    continue
                identity = target
            else:
                try:
                    regular = entry.is_file(follow_symlinks=False)
                    mode = 0 if regular else entry.stat(follow_symlinks=False).st_mode
                except OSError as err:  # gone since the folder was listed
                    errors.append(InputError(display_name(shown(child_rel)), reason(err)))
                    continue
                if not regular:  # a FIFO, a socket or a device: never opened
                    errors.append(InputError(display_name(shown(child_rel)), reason(_not_regular(mode, path))))
                    continue
            yield display_name(shown(child_rel)), path, identity, is_link
        # Files of a folder first, then its subfolders depth-first in name order.
        stack.extend(reversed(subdirs))


def _relative_arg(arg: str) -> str:
    rel = posix(arg)
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

    def add(display: str, path: Optional[str], key: str) -> None:
        if key in seen:
            return
        seen.add(key)
        sources.append(Source(display, path, len(sources)))

    for arg in paths:
        if arg == STDIN:
            add(display_name(stdin_name), None, "\0stdin")
            continue
        path = clean(arg)
        try:
            st = os.stat(arg)  # the argument as given: "file.yaml/" is not a directory
        except OSError as err:
            errors.append(InputError(display_name(arg), reason(err)))
            continue
        if stat.S_ISDIR(st.st_mode):
            try:
                real_root = resolve(path)
            except OSError as err:
                errors.append(InputError(display_name(arg), reason(err)))
                continue
            absolute = os.path.abspath(arg)
            for display, child, identity, linked in _walk(path, arg, excludes, errors):
                # identities under a walked root are absolute but not resolved; make them
                # comparable with explicitly given files by rebasing them on the real root
                # (a file that is no link is below the root: its identity starts with it)
                rel = os.path.relpath(identity, absolute) if linked else identity[len(absolute):].lstrip(os.sep)
                add(display, child, identity if rel.startswith("..") else os.path.join(real_root, rel))
        elif stat.S_ISREG(st.st_mode):
            if excludes and excluded(_relative_arg(arg), excludes):
                continue
            try:
                key = resolve(path)
            except OSError as err:  # changed since it was looked at
                errors.append(InputError(display_name(arg), reason(err)))
                continue
            add(display_name(arg), path, key)
        else:  # a FIFO, a socket or a device: never opened
            errors.append(InputError(display_name(arg), reason(_not_regular(st.st_mode, arg, directory_too=True))))
    return sources, errors
