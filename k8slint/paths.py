"""Where the bundled data lives: inside the installed package, or beside it in a source tree."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


@lru_cache(maxsize=1)
def data_dir() -> Path:
    """The folder that holds ``schemas/`` and ``rules/``.

    A wheel carries them as ``k8slint/_data/`` (see pyproject.toml); a source checkout or an
    editable install has them at the repository root.
    """
    packaged = _PACKAGE / "_data"
    if (packaged / "schemas").is_dir():
        return packaged
    return _PACKAGE.parent
