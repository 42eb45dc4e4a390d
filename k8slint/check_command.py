"""What ``k8slint check`` does once its arguments are parsed: run, report, choose the exit code.

Kept free of the CLI framework so that both the typer command and the fast argument parser
(see ``fastargs``) end up here with the same ``CheckArgs``.
"""
from __future__ import annotations

import os
import sys
from typing import Optional

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3
FORMATS = ("text", "json")
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
    ):
        self.paths = paths if paths is not None else []
        self.output_format = output_format
        self.fail_on = fail_on
        self.kubernetes_version = kubernetes_version
        self.strict_kinds = strict_kinds
        self.exclude = exclude if exclude is not None else []
        self.stdin_filename = stdin_filename
        self.no_color = no_color

    def __eq__(self, other: object) -> bool:
        return isinstance(other, CheckArgs) and vars(self) == vars(other)

    def __repr__(self) -> str:
        return f"CheckArgs({vars(self)})"


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
    from k8slint.findings import Severity
    from k8slint.report import ReportOptions, render
    from k8slint.run import CheckOptions, run_check
    from k8slint.schema_store import UnknownVersion

    if not args.paths:
        return usage_error("give files or directories to check, or - to read stdin")
    options = CheckOptions(
        paths=list(args.paths), excludes=list(args.exclude), stdin_filename=args.stdin_filename,
        kubernetes_version=args.kubernetes_version, strict_kinds=args.strict_kinds,
    )
    try:
        result = run_check(options)
    except UnknownVersion as err:
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
