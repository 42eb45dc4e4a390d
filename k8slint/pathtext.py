"""The few pathlib operations a check run needs, on ``str`` paths.

Importing pathlib (with urllib.parse, ipaddress and ntpath behind it) costs a one-file run
about 6 ms, more than checking the file, so the modules a run goes through keep paths as
text. Each function gives the text pathlib would: displayed paths and error messages stay
the same. Every one accepts a ``str`` or an ``os.PathLike`` (tests pass ``Path`` objects).
"""
from __future__ import annotations

import errno
import os
from typing import TYPE_CHECKING, Iterator, Optional

if TYPE_CHECKING:  # a Union built at run time costs more than this module's work
    from typing import Union

    PathText = Union[str, os.PathLike[str]]

_WINDOWS = os.name == "nt"
_WINERROR_CANT_RESOLVE_FILENAME = 1921  # Windows' word for a symbolic link loop


def clean(path: PathText) -> str:
    """``str(Path(path))``: doubled separators and ``.`` parts dropped, no trailing separator,
    ``"."`` for an empty path; ``..`` is kept (unlike os.path.normpath)."""
    text = os.fspath(path)
    if _WINDOWS:  # drives, UNC shares and both separators: pathlib's grammar, only there
        from pathlib import Path

        return str(Path(text))
    if text.startswith("//") and not text.startswith("///"):
        root = "//"  # POSIX leaves the meaning of exactly two leading slashes to the system
    else:
        root = "/" if text.startswith("/") else ""
    return root + "/".join(part for part in text.split("/") if part and part != ".") or "."


def posix(path: PathText) -> str:
    """``Path(path).as_posix()``."""
    text = clean(path)
    return text.replace("\\", "/") if _WINDOWS else text


def resolve(path: PathText, strict: bool = False) -> str:
    """``str(Path(path).resolve(strict))``: absolute, links followed, normalised.

    A symbolic link loop raises OSError(ELOOP), in either mode, as pathlib's resolve does
    (a RuntimeError there before Python 3.13); ``reason()`` words both the same."""
    try:
        real = os.path.realpath(path, strict=strict)
    except OSError as err:
        if _is_loop(err):
            raise OSError(errno.ELOOP, os.strerror(errno.ELOOP), os.fspath(path)) from None
        raise
    if not strict:  # realpath stops quietly at a loop: stat tells
        try:
            os.stat(real)
        except OSError as err:
            if _is_loop(err):
                raise OSError(errno.ELOOP, os.strerror(errno.ELOOP), os.fspath(path)) from None
    return real


def _is_loop(err: OSError) -> bool:
    return err.errno == errno.ELOOP or getattr(err, "winerror", 0) == _WINERROR_CANT_RESOLVE_FILENAME


def relative(path: PathText, root: PathText) -> Optional[str]:
    """``Path(path).relative_to(root).as_posix()`` for two clean paths of the same kind (both
    absolute or both relative); None where pathlib raises ValueError (``path`` not under ``root``)."""
    path, root = os.fspath(path), os.fspath(root)
    if _WINDOWS:
        path, root = path.replace("\\", "/"), root.replace("\\", "/")
        same = os.path.normcase(path) == os.path.normcase(root)
        under = os.path.normcase(path).startswith(os.path.normcase(root.rstrip("/") + "/"))
    else:
        same = path == root
        under = path.startswith(root.rstrip("/") + "/")
    if same:
        return "."
    return path[len(root.rstrip("/")) + 1:] if under else None


def inside(path: PathText, root: PathText) -> bool:
    """Whether ``path`` is ``root`` or below it (both clean and absolute)."""
    return relative(path, root) is not None


def lineage(folder: str) -> Iterator[str]:
    """``(folder, *Path(folder).parents)`` of a clean absolute folder: it, then each folder
    above it up to the root."""
    while True:
        yield folder
        parent = os.path.dirname(folder)
        if parent == folder:
            return
        folder = parent


def repository_root(start: Optional[str] = None) -> str:
    """The nearest folder at or above ``start`` (default: the working directory) that holds
    ``.git``; the working directory itself when there is none. (Text, not a Path: every check
    run asks, and importing pathlib costs it about 6 ms.)"""
    here = resolve(start or os.getcwd())
    for folder in lineage(here):
        if os.path.exists(os.path.join(folder, ".git")):
            return folder
    return here
