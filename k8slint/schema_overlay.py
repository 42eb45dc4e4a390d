"""The hand-kept enum overlay (``schemas/overlay/enums.yaml``) and how it is applied.

Used when the bundled schema files are built (scripts/build_schemas.py) and by the test that
checks they are up to date; never at run time, where the values are already in the files.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any


def version_tuple(text: str) -> tuple[int, int]:
    major, minor = text.split(".")
    return int(major), int(minor)


def read_overlay(path: Path) -> dict[str, dict[str, list[str]]]:
    from k8slint.loader import load_text

    loaded = load_text(path.read_text(encoding="utf-8"))
    return loaded.documents[0].data if loaded.documents else {}


def allowed_values(values: list[Any], version: str) -> list[str]:
    """The values of one overlay entry that Kubernetes ``version`` accepts (``Value@1.33``)."""
    current = version_tuple(version)
    allowed = []
    for value in values:
        text, _, since = str(value).partition("@")
        if not since or version_tuple(since) <= current:
            allowed.append(text)
    return allowed


def apply_overlay(definitions: dict[str, Any], version: str, overlay: dict[str, Any]) -> int:
    """Add the enums to the definitions of one version (null stays allowed); returns how many."""
    applied = 0
    for def_name, fields in overlay.items():
        definition = definitions.get(def_name)
        if not definition or not fields:
            continue
        props = definition.get("properties", {})
        for field_name, values in fields.items():
            is_list = field_name.endswith("[]")
            prop = props.get(field_name[:-2] if is_list else field_name)
            target = (prop or {}).get("items") if is_list else prop
            if target is None:
                continue
            target["enum"] = allowed_values(values, version) + [None]
            applied += 1
    return applied
