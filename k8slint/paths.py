"""Where the bundled data lives: inside the installed package, or beside it in a source tree."""
from __future__ import annotations

import os
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

_PACKAGE = os.path.dirname(os.path.realpath(__file__))


@lru_cache(maxsize=1)
def data_folder() -> str:
    """The folder that holds ``schemas/`` and ``rules/``.

    A wheel carries them as ``k8slint/_data/`` (see pyproject.toml); a source checkout or an
    editable install has them at the repository root.
    """
    packaged = os.path.join(_PACKAGE, "_data")
    if os.path.isdir(os.path.join(packaged, "schemas")):
        return packaged
    return os.path.dirname(_PACKAGE)


@lru_cache(maxsize=1)
def data_dir() -> Path:
    """``data_folder()`` as a Path, for callers outside a check run (a check run uses
    ``data_folder``: importing pathlib costs it about 6 ms)."""
    from pathlib import Path

    return Path(data_folder())
