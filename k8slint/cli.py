"""The command line. Exit codes are a public interface:

0  no finding reaches the --fail-on threshold
1  at least one finding reaches it
2  usage error, or input that could not be read (one line on stderr per path)
3  internal error in k8slint (a bug; set K8SLINT_DEBUG=1 for the traceback)
"""
from __future__ import annotations

import os
import sys
from enum import Enum
from typing import List, Optional

import typer

from k8slint import __version__

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3

app = typer.Typer(
    name="k8slint",
    help="Kubernetes manifest linter: every mistake at its exact file:line:column, with a fix.",
    add_completion=False,
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)


class OutputFormat(str, Enum):
    text = "text"
    json = "json"


class FailOn(str, Enum):
    error = "error"
    warning = "warning"
    info = "info"


def _version_callback(value: bool) -> None:
    if value:
        typer.echo(f"k8slint {__version__}")
        raise typer.Exit(EXIT_OK)


@app.callback()
def _main(
    version: bool = typer.Option(
        False, "--version", callback=_version_callback, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """Kubernetes manifest linter."""


def _fail(message: str) -> "typer.Exit":
    typer.echo(f"k8slint: error: {message}", err=True)
    return typer.Exit(EXIT_USAGE)


def _use_color(no_color: bool) -> bool:
    if no_color or os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return sys.stdout.isatty()


@app.command()
def check(
    paths: List[str] = typer.Argument(
        None, help="Files and directories to check (directories recursively); - reads stdin.", show_default=False
    ),
    output_format: OutputFormat = typer.Option(OutputFormat.text, "--format", "-f", help="Report format."),
    fail_on: FailOn = typer.Option(
        FailOn.error, "--fail-on", help="Exit 1 when a finding of this severity or worse is found."
    ),
    kubernetes_version: Optional[str] = typer.Option(
        None, "--kubernetes-version", "-k", metavar="X.Y",
        help="Kubernetes version whose schema to validate against (default: the newest bundled).",
    ),
    strict_kinds: bool = typer.Option(
        False, "--strict-kinds", help="Report kinds without a bundled schema (custom resources) as errors."
    ),
    exclude: List[str] = typer.Option(
        None, "--exclude", metavar="GLOB", help="Skip matching files and directories (repeatable)."
    ),
    stdin_filename: Optional[str] = typer.Option(
        None, "--stdin-filename", metavar="NAME", help="Name to report for input read from stdin."
    ),
    no_color: bool = typer.Option(False, "--no-color", help="Never colour the text report."),
) -> None:
    """Check Kubernetes manifests: YAML syntax, schema, and the mistakes behind them."""
    from k8slint.findings import Severity
    from k8slint.report import ReportOptions, render
    from k8slint.run import CheckOptions, run_check
    from k8slint.schema_store import UnknownVersion

    if not paths:
        raise _fail("give files or directories to check, or - to read stdin")
    options = CheckOptions(
        paths=list(paths), excludes=list(exclude or []), stdin_filename=stdin_filename,
        kubernetes_version=kubernetes_version, strict_kinds=strict_kinds,
    )
    try:
        result = run_check(options)
    except UnknownVersion as err:
        raise _fail(str(err)) from None
    for problem in result.input_errors:
        typer.echo(f"k8slint: error: cannot read {problem}", err=True)
    report = render(output_format.value, result, ReportOptions(color=_use_color(no_color)))
    sys.stdout.write(report)
    sys.stdout.flush()
    if result.input_errors:
        raise typer.Exit(EXIT_USAGE)
    worst = result.worst()
    if worst is not None and worst >= Severity.parse(fail_on.value):
        raise typer.Exit(EXIT_FINDINGS)
    raise typer.Exit(EXIT_OK)


def main(argv: Optional[List[str]] = None) -> int:
    try:
        app(args=argv, prog_name="k8slint", standalone_mode=True)
    except SystemExit as exit:
        code = exit.code
        return code if isinstance(code, int) else (0 if code is None else EXIT_USAGE)
    except KeyboardInterrupt:
        sys.stderr.write("k8slint: interrupted\n")
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except Exception as err:  # a bug in k8slint: one line, not a traceback
        if os.environ.get("K8SLINT_DEBUG"):
            raise
        sys.stderr.write(
            f"k8slint: internal error: {type(err).__name__}: {err} "
            "(set K8SLINT_DEBUG=1 for the traceback and please report it)\n"
        )
        return EXIT_INTERNAL
    return EXIT_OK
