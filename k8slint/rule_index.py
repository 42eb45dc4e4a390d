"""A generated catalog of the shipped rules, so that a run imports only the rules it uses.

Every run needs the metadata of every rule (to resolve ``--select``/``--ignore`` and
profiles, to name and rate findings), but only the logic of the rules that are enabled and
meet an object of their kinds. Importing every module of ``k8slint/checks/`` and compiling
every YAML pack costs more than checking a small file, so ``rule_index.json`` records each
shipped rule's metadata and where its logic lives, and the registry loads the logic on
first use.

The index carries a fingerprint of the files it was built from. When a rule file changes and
the index is not rebuilt, the fingerprint no longer matches and the registry loads every
rule the slow way, so a stale index costs time, never correctness. Rebuild it with
``python -m k8slint.docs`` (which also regenerates the rule docs); a test checks it is
current.
"""
from __future__ import annotations

import os
import zlib
from typing import Any, Optional

from k8slint.findings import Severity
from k8slint.rule import Rule

# Text, not a Path: every run reads the index, and importing pathlib costs it about 6 ms.
INDEX_PATH = os.path.join(os.path.dirname(os.path.realpath(__file__)), "rule_index.json")
FORMAT = 3  # 2: pack rules carry their logic; 3: index rules say which facts they read ("reads")


def _sources() -> list[tuple[str, str]]:
    """(folder, name) of every file the shipped rules come from, in fingerprint order."""
    import k8slint.checks as package
    from k8slint.paths import data_folder

    checks = os.path.dirname(package.__file__ or "")
    files = [(checks, n) for n in os.listdir(checks) if n.endswith(".py")]
    rules = os.path.join(data_folder(), "rules")
    if os.path.isdir(rules):
        files.extend((rules, n) for n in os.listdir(rules) if n.endswith((".yaml", ".yml")))
    return sorted(files, key=lambda f: (os.path.basename(f[0]), f[1]))


def fingerprint() -> str:
    """A checksum of every file the shipped rules come from (names, sizes and contents).

    CRC-32 and the total size rather than a cryptographic hash: this detects edits, it guards
    against nothing, and hashlib alone costs more start-up time (OpenSSL) than reading the
    files. Every run computes it, so the files are read straight from their descriptors (no
    Path objects, no buffered file objects), and each part is added to the CRC as it is."""
    from k8slint.discover import read_descriptor

    crc, size = 0, 0
    for folder, name in _sources():
        fd = os.open(os.path.join(folder, name), os.O_RDONLY)
        try:
            data = read_descriptor(fd, os.fstat(fd).st_size)
        finally:
            os.close(fd)
        label = f"{os.path.basename(folder)}/{name}\0".encode()
        crc = zlib.crc32(b"\0", zlib.crc32(data, zlib.crc32(label, crc)))
        size += len(label) + len(data) + 1
    return f"{crc:08x}{size:x}"


def rule_to_json(rule: Rule) -> list[Any]:
    return [*rule[:2], rule.severity.label, *rule[3:]]


def rule_from_json(fields: list[Any]) -> Rule:
    return Rule(fields[0], fields[1], Severity.parse(fields[2]), *fields[3:])


def build(impls: list[Any]) -> dict[str, Any]:
    """The index of the given (eagerly loaded) shipped rule implementations."""
    from k8slint.registry import READABLE

    entries = []
    for impl in impls:
        if impl.origin == "k8slint":  # the core rules are defined in Python, always loaded
            continue
        from k8slint.rule_packs import logic_spec

        origin = impl.origin if impl.origin.startswith("k8slint.checks.") else os.path.basename(impl.origin)
        entry = {
            "origin": origin,
            "rule": rule_to_json(impl.rule),
            "kinds": sorted(impl.kinds) if impl.kinds is not None else None,
            "check": impl.has_check,
            "check_index": impl.has_check_index,
        }
        if impl.whole:
            entry["whole"] = True
        if not impl.labels:
            entry["labels"] = False
        elif impl.selected:
            entry["labels"] = "selectors"
        if impl.reads != READABLE:
            entry["reads"] = sorted(impl.reads)
        spec = logic_spec(impl)
        if spec is not None:  # a pack rule: its logic, so that a run need not read the pack
            entry["logic"] = spec
        entries.append(entry)
    return {"format": FORMAT, "fingerprint": fingerprint(), "rules": entries}


def load() -> Optional[list[dict[str, Any]]]:
    """The index entries, or None when there is no index or it does not match the sources."""
    try:
        from k8slint.jsonparse import loads

        with open(INDEX_PATH, "rb") as f:
            index = loads(f.read())
    except (OSError, ValueError):
        return None
    if not isinstance(index, dict) or index.get("format") != FORMAT:
        return None
    try:
        current = fingerprint()
    except OSError:
        return None
    if index.get("fingerprint") != current:
        return None
    rules = index.get("rules")
    return rules if isinstance(rules, list) else None


def render(impls: list[Any]) -> str:
    import json  # only `python -m k8slint.docs` writes the index

    return json.dumps(build(impls), indent=1, ensure_ascii=False) + "\n"


def write() -> bool:
    """Rebuild rule_index.json from the shipped rules; True if it changed."""
    from k8slint.registry import shipped_impls

    from pathlib import Path  # only `python -m k8slint.docs` writes it

    index = Path(INDEX_PATH)
    text = render(shipped_impls(lazy=False))
    old = index.read_text(encoding="utf-8") if index.exists() else None
    if old == text:
        return False
    tmp = index.with_suffix(".json.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, index)
    return True


if __name__ == "__main__":
    print("rule_index.json " + ("rebuilt" if write() else "is up to date"))
