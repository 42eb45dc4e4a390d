"""What ``k8slint check`` does once its arguments are parsed: run, report, choose the exit code.

Kept free of the CLI framework so that both the typer command and the fast argument parser
(see ``fastargs``) end up here with the same ``CheckArgs``.
"""
from __future__ import annotations

import os
import sys
from typing import Optional

from k8slint.report import FORMATS

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3
SEVERITIES = ("error", "warning", "info")


class CheckArgs:
    """The parsed arguments of ``check``.

    Plain classes rather than dataclasses on the start-up path: importing dataclasses (it
    imports inspect) and building each dataclass costs more than a one-file check should.
    """

    def __init__(
        self, paths: Optional[list[str]] = None, output_format: str = "text", fail_on: str = "error",
        kubernetes_version: Optional[str] = None, strict_kinds: bool = False,
        exclude: Optional[list[str]] = None, stdin_filename: Optional[str] = None, no_color: bool = False,
        config: Optional[str] = None, context: Optional[list[str]] = None,
        rules_dir: Optional[list[str]] = None, select: Optional[list[str]] = None,
        ignore: Optional[list[str]] = None, profile: Optional[list[str]] = None,
        complete: bool = False, schema_location: Optional[list[str]] = None,
    ):
        self.paths = paths if paths is not None else []
        self.output_format = output_format
        self.fail_on = fail_on
        self.kubernetes_version = kubernetes_version
        self.strict_kinds = strict_kinds
        self.exclude = exclude if exclude is not None else []
        self.stdin_filename = stdin_filename
        self.no_color = no_color
        self.config = config
        self.context = context if context is not None else []
        self.rules_dir = rules_dir if rules_dir is not None else []
        self.select = select  # None: as configured
        self.ignore = ignore if ignore is not None else []
        self.profile = profile if profile is not None else []
        self.complete = complete
        self.schema_location = schema_location if schema_location is not None else []

    def __eq__(self, other: object) -> bool:
        return isinstance(other, CheckArgs) and vars(self) == vars(other)

    def __repr__(self) -> str:
        return f"CheckArgs({vars(self)})"


def split_codes(values: list[str]) -> list[str]:
    """--select KL101,KL102 --select image-tag-typo → [KL101, KL102, image-tag-typo]."""
    return [code.strip() for value in values for code in value.split(",") if code.strip()]


def usage_error(message: str) -> int:
    sys.stderr.write(f"k8slint: error: {message}\n")
    return EXIT_USAGE


def use_color(no_color: bool) -> bool:
    if no_color or os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return sys.stdout.isatty()


def run(args: CheckArgs) -> int:
    from k8slint.config import ConfigError
    from k8slint.findings import Severity
    from k8slint.registry import UnknownRule
    from k8slint.report import ReportOptions, render
    from k8slint.rule_packs import PackError
    from k8slint.run import CheckOptions, run_check
    from k8slint.schema_store import UnknownVersion

    if not args.paths:
        return usage_error("give files or directories to check, or - to read stdin")
    options = CheckOptions(
        paths=list(args.paths), excludes=list(args.exclude), stdin_filename=args.stdin_filename,
        kubernetes_version=args.kubernetes_version, strict_kinds=args.strict_kinds,
        config=args.config, context=list(args.context), rules_dirs=list(args.rules_dir),
        select=split_codes(args.select) if args.select is not None else None, ignore=split_codes(args.ignore),
        profiles=split_codes(args.profile), assume_complete=args.complete,
        schema_locations=list(args.schema_location),
    )
    try:
        result = run_check(options)
    except (UnknownVersion, ConfigError, PackError, UnknownRule) as err:
        return usage_error(str(err))
    for problem in result.input_errors:
        sys.stderr.write(f"k8slint: error: cannot read {problem}\n")
    report = render(args.output_format, result, ReportOptions(color=use_color(args.no_color)))
    sys.stdout.write(report)
    sys.stdout.flush()
    if result.input_errors:
        return EXIT_USAGE
    worst = result.worst()
    if worst is not None and worst >= Severity.parse(args.fail_on):
        return EXIT_FINDINGS
    return EXIT_OK


def _registry(rules_dirs: list[str]):  # type: ignore[no-untyped-def]
    from pathlib import Path

    from k8slint.registry import load_registry

    return load_registry([Path(d) for d in rules_dirs])


def list_rules(rules_dirs: list[str], output_format: str = "text") -> int:
    from k8slint.rule_packs import PackError

    try:
        registry = _registry(rules_dirs)
    except PackError as err:
        return usage_error(str(err))
    rules = registry.rules
    if output_format == "json":
        import json

        data = [
            {"code": r.code, "name": r.name, "severity": r.severity.label, "category": r.category,
             "default_enabled": r.default_enabled and r.profile is None, "profile": r.profile,
             "fixable": r.fixable, "summary": r.summary}
            for r in rules
        ]
        sys.stdout.write(json.dumps(data, indent=2) + "\n")
        return EXIT_OK
    width = max(len(r.name) for r in rules)
    for r in rules:
        if r.profile:
            default = f"  (profile {r.profile})"
        else:
            default = "" if r.default_enabled else "  (off by default)"
        sys.stdout.write(f"{r.code}  {r.name:<{width}}  {r.severity.label:<7}  {r.summary}{default}\n")
    return EXIT_OK


def explain(code_or_name: str, rules_dirs: list[str]) -> int:
    from k8slint.docs import render_rule
    from k8slint.registry import UnknownRule
    from k8slint.rule_packs import PackError

    try:
        rule = _registry(rules_dirs).get(code_or_name)
    except (UnknownRule, PackError) as err:
        return usage_error(str(err))
    sys.stdout.write(render_rule(rule))
    return EXIT_OK
