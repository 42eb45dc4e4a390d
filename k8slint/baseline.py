"""Baselines: adopt the gate on a repository that already has findings.

``k8slint baseline FILE [paths]`` records today's findings; ``k8slint check --baseline FILE``
then reports only findings that are not recorded. A finding is matched by its rule, its file
(relative to the baseline file's folder, so the run's working directory does not matter), its
object and a fingerprint of the offending content (``k8slint.fingerprint``), never by line: a
recorded finding stays hidden when lines are added above it, and a second finding of the same
rule in the same file is new. Matching counts: a baseline entry hides one finding.

The file is JSON, sorted, one entry per finding, meant to be committed and reviewed.
"""
from __future__ import annotations

import json
import os
from collections import Counter
from typing import Any

from k8slint import __version__
from k8slint.findings import Finding, Severity
from k8slint.fingerprint import fingerprints

VERSION = 1


class BaselineError(ValueError):
    """A baseline file that is missing, unreadable or not a k8slint baseline (exit 2)."""


def _file_key(file: str, base_dir: str) -> str:
    if file.startswith("<"):  # <stdin>
        return file
    return os.path.relpath(os.path.abspath(file), base_dir).replace(os.sep, "/")


def _object_key(finding: Finding) -> str:
    return finding.object.describe() if finding.object is not None else ""


def _entries(result: Any, base_dir: str) -> list[dict]:
    entries = []
    for finding, fp in zip(result.findings, fingerprints(result.findings, result.texts)):
        entries.append({
            "rule": finding.rule,
            "file": _file_key(finding.file, base_dir),
            "object": _object_key(finding),
            "fingerprint": fp,
            # for people reading the file; not used for matching
            "line": finding.span.line,
            "message": finding.message,
        })
    entries.sort(key=lambda e: (e["file"], e["line"], e["rule"], e["fingerprint"]))
    return entries


def render(result: Any, path: str) -> str:
    base_dir = os.path.dirname(os.path.abspath(path))
    data = {
        "version": VERSION,
        "tool": {"name": "k8slint", "version": __version__},
        "findings": _entries(result, base_dir),
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def load(path: str) -> Counter:
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except FileNotFoundError:
        raise BaselineError(
            f"{path}: baseline file not found (create it with: k8slint baseline {path} PATHS)"
        ) from None
    except OSError as err:
        raise BaselineError(f"{path}: cannot read the baseline: {err.strerror or err}") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        where = f":{err.lineno}:{err.colno}" if isinstance(err, json.JSONDecodeError) else ""
        raise BaselineError(f"{path}{where}: not a k8slint baseline (invalid JSON: {err})") from None
    if not isinstance(data, dict) or data.get("version") != VERSION or not isinstance(data.get("findings"), list):
        raise BaselineError(f"{path}: not a k8slint baseline (expected version {VERSION} and a findings list)")
    keys: Counter = Counter()
    for i, entry in enumerate(data["findings"]):
        try:
            keys[(entry["rule"], entry["file"], entry["object"], entry["fingerprint"])] += 1
        except (KeyError, TypeError):
            raise BaselineError(
                f"{path}: findings[{i}] needs rule, file, object and fingerprint"
            ) from None
    return keys


def apply(result: Any, path: str) -> int:
    """Remove the findings recorded in the baseline at ``path`` from ``result`` (updating its
    summary, whose ``baselined`` counts them); returns how many baseline entries matched nothing."""
    remaining = load(path)
    base_dir = os.path.dirname(os.path.abspath(path))
    kept = []
    summary = result.summary
    for finding, fp in zip(result.findings, fingerprints(result.findings, result.texts)):
        key = (finding.rule, _file_key(finding.file, base_dir), _object_key(finding), fp)
        if remaining[key] > 0:
            remaining[key] -= 1
            summary.baselined += 1
            if finding.severity is Severity.ERROR:
                summary.errors -= 1
            elif finding.severity is Severity.WARNING:
                summary.warnings -= 1
            else:
                summary.infos -= 1
            continue
        kept.append(finding)
    result.findings = kept
    return sum(remaining.values())
