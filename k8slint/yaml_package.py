"""ruamel.yaml's modules without its package's ``__init__``, until something asks for more.

k8slint needs only a few of ruamel.yaml's modules: the nodes, the errors and, through
``_ruamel_yaml`` (ruamel.yaml.clib), the modules those bindings import. Importing any of them
first runs ``ruamel/yaml/__init__.py``, which imports ``ruamel.yaml.main`` and with it the
round-trip loader, dumper and resolver: about 7 M instructions, 3% of a one-file run, that no
check uses. So the modules that import ruamel.yaml import this one first. It puts the package
in ``sys.modules`` without running its ``__init__``; the first attribute asked of the package
that is not a submodule (``from ruamel.yaml import YAML``, ``ruamel.yaml.__version__``) runs it
then, so the package works as before for anyone else in the process.
"""
from __future__ import annotations

import sys
from typing import Any


def _lazy_package() -> None:
    if "ruamel.yaml" in sys.modules:
        return
    import importlib.util

    try:
        spec = importlib.util.find_spec("ruamel.yaml")
    except (ImportError, ValueError):
        return
    if spec is None or spec.loader is None or not spec.submodule_search_locations:
        return
    module = importlib.util.module_from_spec(spec)
    loader = spec.loader

    def __getattr__(name: str) -> Any:
        # Called once (not for the submodules once imported: they are attributes of the package).
        # Removed first, so that the module's own lookups, then and after, are the usual ones.
        del module.__dict__["__getattr__"]
        loader.exec_module(module)
        return getattr(module, name)

    module.__getattr__ = __getattr__  # type: ignore[attr-defined]
    sys.modules["ruamel.yaml"] = module
    parent = sys.modules.get("ruamel")
    if parent is not None:
        parent.yaml = module  # type: ignore[attr-defined]


_lazy_package()
