"""A small parser for the common ``k8slint check ...`` command line.

Importing the CLI framework (typer and click) costs more than checking a small file, and a
pre-commit hook runs k8slint on every commit. This parser recognises the plain ``check``
invocations and ``--version``; anything else (``--help``, an unknown option, a bad value)
returns None and goes to typer, which owns help and error messages. A test checks that both
parsers produce the same ``CheckArgs`` for the same arguments.
"""
from __future__ import annotations

from typing import Optional

from k8slint.check_command import SEVERITIES, CheckArgs
from k8slint.report import FORMATS

_VALUE_OPTIONS = {
    "--format": "formats", "-f": "formats",
    "--output": "outputs", "-o": "outputs",
    "--baseline": "baseline",
    "--changed-since": "changed_since",
    "--max-file-size": "max_file_size",
    "--max-depth": "max_depth",
    "--max-documents": "max_documents",
    "--max-aliases": "max_aliases",
    "--jobs": "jobs", "-j": "jobs",
    "--cache-dir": "cache_dir",
    "--fail-on": "fail_on",
    "--kubernetes-version": "kubernetes_version", "-k": "kubernetes_version",
    "--exclude": "exclude",
    "--stdin-filename": "stdin_filename",
    "--config": "config",
    "--context": "context",
    "--rules-dir": "rules_dir",
    "--select": "select",
    "--ignore": "ignore",
    "--profile": "profile",
    "--schema-location": "schema_location",
}
_REPEATABLE = {
    "exclude", "context", "rules_dir", "select", "ignore", "profile", "schema_location", "formats", "outputs",
}
_FLAGS = {
    "--strict-kinds": "strict_kinds", "--no-color": "no_color", "--complete": "complete",
    "--quiet": "quiet", "-q": "quiet", "--statistics": "statistics",
    "--fix": "fix", "--unsafe-fixes": "unsafe_fixes", "--diff": "diff", "--no-cache": "no_cache",
}
_CHOICES = {"formats": FORMATS, "fail_on": SEVERITIES}


def parse_check(argv: list[str]) -> Optional[CheckArgs]:
    """``check [options] PATHS`` and ``baseline FILE [options] PATHS`` (the same options)."""
    if not argv or argv[0] not in ("check", "baseline"):
        return None
    args = CheckArgs()
    rest = argv[1:]
    i = 0
    only_paths = False
    while i < len(rest):
        arg = rest[i]
        i += 1
        if only_paths or arg == "-" or not arg.startswith("-"):
            if argv[0] == "baseline" and args.write_baseline is None:
                args.write_baseline = arg
            else:
                args.paths.append(arg)
            continue
        if arg == "--":
            only_paths = True
            continue
        name, eq, inline = arg.partition("=")
        if name in _FLAGS and not eq:
            setattr(args, _FLAGS[name], True)
            continue
        if name not in _VALUE_OPTIONS:
            return None  # --help, unknown options, combined short flags: typer decides
        if eq:
            if not name.startswith("--"):
                return None
            value = inline
        else:
            if i >= len(rest):
                return None
            value = rest[i]
            i += 1
        dest = _VALUE_OPTIONS[name]
        if dest in _CHOICES and value not in _CHOICES[dest]:
            return None
        if dest in _REPEATABLE:
            if getattr(args, dest) is None:
                setattr(args, dest, [])
            getattr(args, dest).append(value)
        else:
            setattr(args, dest, value)
    if argv[0] == "baseline" and args.write_baseline is None:
        return None  # typer says what is missing
    return args
