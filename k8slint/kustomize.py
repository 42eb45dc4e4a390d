"""Find the files that a kustomization in the checked tree uses as patches, and the objects
its generators make.

Patches are partial objects: k8slint checks the fields they contain but never reports the
fields they leave out. ConfigMaps and Secrets that configMapGenerator and secretGenerator make
are not in any file, but the workloads of the kustomization refer to them by name.
"""
from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any, Iterable

from k8slint.pathtext import clean, resolve

if TYPE_CHECKING:
    from k8slint.pathtext import PathText

KUSTOMIZATION_NAMES = ("kustomization.yaml", "kustomization.yml", "Kustomization")


def _beside(base: str, entry: str) -> str:
    """``entry`` (a path in a kustomization) joined to the kustomization's folder, normalised."""
    return os.path.normpath(os.path.join(base, entry))


def patch_paths(kustomization: PathText, data: Any) -> set[str]:
    """Resolved paths of the patch files one kustomization lists."""
    if not isinstance(data, dict):
        return set()
    base = os.path.dirname(clean(kustomization))
    found: set[str] = set()

    def add(entry: Any) -> None:
        if isinstance(entry, str) and "\n" not in entry and entry.strip():
            found.add(resolve(_beside(base, entry.strip())))
        elif isinstance(entry, dict) and isinstance(entry.get("path"), str):
            found.add(resolve(_beside(base, entry["path"])))

    for key in ("patchesStrategicMerge", "patches", "patchesJson6902"):
        entries = data.get(key)
        if isinstance(entries, list):
            for entry in entries:
                add(entry)
    return found


def nearby_kustomizations(files: Iterable[PathText], stop: PathText) -> list[str]:
    """Kustomization files in the folders of ``files`` and their ancestors up to ``stop``.

    So that a patch checked on its own (a pre-commit hook passes only changed files) is still
    recognised as a patch of the kustomization beside or above it.
    """
    stop = resolve(stop)
    below_stop = stop.rstrip(os.sep) + os.sep
    found: list[str] = []
    seen: set[str] = set()
    # (the folders first: abspath asks for the working folder on every call, and a large tree
    # has a few folders for thousands of files)
    folders = {os.path.abspath(folder) for folder in {os.path.dirname(file) for file in files}}
    for start in sorted(folders):
        folder = resolve(start)
        while folder not in seen:
            seen.add(folder)
            for name in KUSTOMIZATION_NAMES:
                candidate = os.path.join(folder, name)
                if os.path.isfile(candidate):
                    found.append(candidate)
            if folder == stop or not folder.startswith(below_stop):
                break
            folder = os.path.dirname(folder)
    return found


def is_kustomization(path: PathText) -> bool:
    text = os.fspath(path)
    # (every name ends "ustomization" and an extension: most paths are told without clean())
    return "ustomization" in text and os.path.basename(clean(text)) in KUSTOMIZATION_NAMES


def collect_patches(kustomizations: Iterable[tuple[PathText, Any]]) -> set[str]:
    patches: set[str] = set()
    for path, data in kustomizations:
        patches |= patch_paths(path, data)
    return patches


GENERATORS = {"configMapGenerator": "ConfigMap", "secretGenerator": "Secret"}


def generated_objects(kustomization: PathText, data: Any) -> dict[str, frozenset[tuple[str, str]]]:
    """(kind, name) of the objects a kustomization's generators make, by the folders whose objects
    it builds with them: its own folder and the folders of the resources it lists."""
    if not isinstance(data, dict):
        return {}
    made = frozenset(
        (kind, entry["name"])
        for key, kind in GENERATORS.items() if isinstance(data.get(key), list)
        for entry in data[key] if isinstance(entry, dict) and isinstance(entry.get("name"), str) and entry["name"]
    )
    if not made:
        return {}
    base = resolve(os.path.dirname(clean(kustomization)))
    folders = {base}
    for key in ("resources", "bases", "components"):
        entries = data.get(key)
        if not isinstance(entries, list):
            continue
        for entry in entries:
            if isinstance(entry, str) and entry.strip() and "://" not in entry and "\n" not in entry:
                path = _beside(base, entry.strip())
                folders.add(path if os.path.isdir(path) else os.path.dirname(path))
    return {folder: made for folder in folders}


def collect_generated(kustomizations: Iterable[tuple[PathText, Any]]) -> dict[str, frozenset[tuple[str, str]]]:
    generated: dict[str, frozenset[tuple[str, str]]] = {}
    for path, data in kustomizations:
        for folder, made in generated_objects(path, data).items():
            generated[folder] = generated.get(folder, frozenset()) | made
    return generated
