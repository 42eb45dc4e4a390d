"""Find the files that a kustomization in the checked tree uses as patches, and the objects
its generators make.

Patches are partial objects: k8slint checks the fields they contain but never reports the
fields they leave out. ConfigMaps and Secrets that configMapGenerator and secretGenerator make
are not in any file, but the workloads of the kustomization refer to them by name.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Iterable

KUSTOMIZATION_NAMES = ("kustomization.yaml", "kustomization.yml", "Kustomization")


def patch_paths(kustomization: Path, data: Any) -> set[Path]:
    """Resolved paths of the patch files one kustomization lists."""
    if not isinstance(data, dict):
        return set()
    base = kustomization.parent
    found: set[Path] = set()

    def add(entry: Any) -> None:
        if isinstance(entry, str) and "\n" not in entry and entry.strip():
            found.add(Path(os.path.normpath(base / entry.strip())).resolve())
        elif isinstance(entry, dict) and isinstance(entry.get("path"), str):
            found.add(Path(os.path.normpath(base / entry["path"])).resolve())

    for key in ("patchesStrategicMerge", "patches", "patchesJson6902"):
        entries = data.get(key)
        if isinstance(entries, list):
            for entry in entries:
                add(entry)
    return found


def nearby_kustomizations(files: Iterable[Path], stop: Path) -> list[Path]:
    """Kustomization files in the folders of ``files`` and their ancestors up to ``stop``.

    So that a patch checked on its own (a pre-commit hook passes only changed files) is still
    recognised as a patch of the kustomization beside or above it.
    """
    stop = stop.resolve()
    found: list[Path] = []
    seen: set[Path] = set()
    folders = {os.path.dirname(os.path.abspath(file)) for file in files}
    for start in sorted(folders):
        folder = Path(start).resolve()
        while folder not in seen:
            seen.add(folder)
            for name in KUSTOMIZATION_NAMES:
                candidate = folder / name
                if candidate.is_file():
                    found.append(candidate)
            if folder == stop or stop not in folder.parents:
                break
            folder = folder.parent
    return found


def is_kustomization(path: Path) -> bool:
    return path.name in KUSTOMIZATION_NAMES


def collect_patches(kustomizations: Iterable[tuple[Path, Any]]) -> set[Path]:
    patches: set[Path] = set()
    for path, data in kustomizations:
        patches |= patch_paths(path, data)
    return patches


GENERATORS = {"configMapGenerator": "ConfigMap", "secretGenerator": "Secret"}


def generated_objects(kustomization: Path, data: Any) -> dict[str, frozenset[tuple[str, str]]]:
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
    base = kustomization.parent.resolve()
    folders = {str(base)}
    for key in ("resources", "bases", "components"):
        entries = data.get(key)
        if not isinstance(entries, list):
            continue
        for entry in entries:
            if isinstance(entry, str) and entry.strip() and "://" not in entry and "\n" not in entry:
                path = Path(os.path.normpath(base / entry.strip()))
                folders.add(str(path if path.is_dir() else path.parent))
    return {folder: made for folder in folders}


def collect_generated(kustomizations: Iterable[tuple[Path, Any]]) -> dict[str, frozenset[tuple[str, str]]]:
    generated: dict[str, frozenset[tuple[str, str]]] = {}
    for path, data in kustomizations:
        for folder, made in generated_objects(path, data).items():
            generated[folder] = generated.get(folder, frozenset()) | made
    return generated
