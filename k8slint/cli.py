"""The command line. Exit codes are a public interface:

0  no finding reaches the --fail-on threshold
1  at least one finding reaches it
2  usage error, or input that could not be read (one line on stderr per path)
3  internal error in k8slint (a bug; set K8SLINT_DEBUG=1 for the traceback)

typer is imported only when needed: plain ``check`` command lines are parsed by ``fastargs``
so that a pre-commit run does not pay for the CLI framework's import.
"""
from __future__ import annotations

import os
import sys

from k8slint import __version__
from k8slint.check_command import EXIT_INTERNAL, EXIT_OK, EXIT_USAGE, CheckArgs
from k8slint.collector import CollectorPaused

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing: `k8slint --version` needs none of it
if TYPE_CHECKING:
    from typing import List, Optional


def _choices() -> tuple[type, type]:
    """The enums typer shows as choices. Made with the app: creating an Enum class costs
    0.2-0.4 ms, and a plain ``check`` (parsed by fastargs) never needs them."""
    from enum import Enum

    class OutputFormat(str, Enum):
        text = "text"
        json = "json"
        sarif = "sarif"
        junit = "junit"
        github = "github"

    class FailOn(str, Enum):
        error = "error"
        warning = "warning"
        info = "info"

    return OutputFormat, FailOn


def _build_app():  # type: ignore[no-untyped-def]
    import typer

    from k8slint import check_command

    # typer resolves the (postponed) annotations in this module's globals: typer.Context and
    # the choices need to be there
    from typing import List, Optional

    OutputFormat, FailOn = _choices()
    globals().update(typer=typer, OutputFormat=OutputFormat, FailOn=FailOn, List=List, Optional=Optional)

    app = typer.Typer(
        name="k8slint",
        help="Kubernetes manifest linter: every mistake at its exact file:line:column, with a fix.",
        add_completion=True,
        no_args_is_help=True,
        rich_markup_mode=None,
        pretty_exceptions_enable=False,
    )

    def version_callback(value: bool) -> None:
        if value:
            typer.echo(f"k8slint {__version__}")
            raise typer.Exit(EXIT_OK)

    @app.callback()
    def _main(
        version: bool = typer.Option(
            False, "--version", callback=version_callback, is_eager=True, help="Print the version and exit."
        ),
    ) -> None:
        """Kubernetes manifest linter."""

    @app.command()
    def check(
        paths: List[str] = typer.Argument(
            None, help="Files and directories to check (directories recursively); - reads stdin.",
            show_default=False,
        ),
        formats: List[OutputFormat] = typer.Option(
            None, "--format", "-f",
            help="Report format (repeatable; default: github inside GitHub Actions, else text). The n-th "
            "--output receives the n-th --format; a format without an --output goes to stdout.",
            show_default=False,
        ),
        outputs: List[str] = typer.Option(
            None, "--output", "-o", metavar="FILE",
            help="Write a report to FILE instead of stdout (repeatable; - is stdout; without a --format "
            "for it, .sarif means sarif, .json json, .xml junit). The summary still goes to the terminal.",
        ),
        quiet: bool = typer.Option(False, "--quiet", "-q", help="Print only the findings: no summary, no progress."),
        statistics: bool = typer.Option(
            False, "--statistics", help="Text report: the number of findings per rule instead of each finding."
        ),
        baseline: Optional[str] = typer.Option(
            None, "--baseline", metavar="FILE",
            help="Do not report findings recorded in FILE (written by `k8slint baseline FILE PATHS`).",
        ),
        changed_since: Optional[str] = typer.Option(
            None, "--changed-since", metavar="REF",
            help="Check only the files git says changed since REF (its merge base with HEAD), with the "
            "rest of the paths (default: .) as context.",
        ),
        fix: bool = typer.Option(
            False, "--fix", help="Apply the safe fixes (rewriting only the fixed characters) and report what remains."
        ),
        unsafe_fixes: bool = typer.Option(
            False, "--unsafe-fixes", help="With --fix or --diff: also apply fixes that a person should review."
        ),
        diff: bool = typer.Option(
            False, "--diff", help="Print a unified diff of what --fix would change; write nothing (exit 1 if any)."
        ),
        jobs: Optional[str] = typer.Option(
            None, "--jobs", "-j", metavar="N",
            help="Check files in N processes (default: one per core, at most 4, for inputs over 2 MiB; "
            "else 1). The output is the same either way.",
        ),
        no_cache: bool = typer.Option(False, "--no-cache", help="Do not read or write the cache."),
        cache_dir: Optional[str] = typer.Option(
            None, "--cache-dir", metavar="DIR",
            help="Where to keep the cache of per-file results (default: .k8slint_cache at the repository root).",
        ),
        max_file_size: Optional[str] = typer.Option(
            None, "--max-file-size", metavar="SIZE",
            help="Larger files are reported (KL007) and not read (default 10MiB; e.g. 50MiB, 200000000).",
        ),
        max_depth: Optional[str] = typer.Option(
            None, "--max-depth", metavar="N", help="Documents nested deeper are reported and not checked (default 100).",
        ),
        max_documents: Optional[str] = typer.Option(
            None, "--max-documents", metavar="N", help="Documents per file beyond N are not checked (default 10000).",
        ),
        max_aliases: Optional[str] = typer.Option(
            None, "--max-aliases", metavar="N",
            help="A document reaching more than N values through YAML aliases (expanded) is reported as an "
            "alias bomb and not checked (default 100000).",
        ),
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
        config: Optional[str] = typer.Option(
            None, "--config", metavar="FILE",
            help="Configuration file (default: .k8slint.yaml or pyproject.toml found upward from the first path).",
        ),
        context: List[str] = typer.Option(
            None, "--context", metavar="PATH",
            help="Also read these files or directories for cross-object rules, without reporting on them (repeatable).",
        ),
        rules_dir: List[str] = typer.Option(
            None, "--rules-dir", metavar="DIR", help="Load extra YAML rule packs from DIR (repeatable)."
        ),
        select: List[str] = typer.Option(
            None, "--select", metavar="CODES", help="Run only these rules (codes or names, comma-separated; ALL for every rule)."
        ),
        ignore: List[str] = typer.Option(
            None, "--ignore", metavar="CODES", help="Do not run these rules (codes or names, comma-separated)."
        ),
        profile: List[str] = typer.Option(
            None, "--profile", metavar="NAME",
            help="Also run the rules of these profiles (pss-baseline, pss-restricted (which includes "
            "pss-baseline), best-practices; repeatable).",
        ),
        complete: bool = typer.Option(
            False, "--complete",
            help="The files and the context hold every object: references to missing objects are errors.",
        ),
        schema_location: List[str] = typer.Option(
            None, "--schema-location", metavar="DIR",
            help="JSON schemas for custom resources, laid out as {group}/{kind}_{version}.json (repeatable).",
        ),
    ) -> None:
        """Check Kubernetes manifests: YAML syntax, schema, and the mistakes behind them."""
        args = CheckArgs(
            paths=list(paths or []), formats=[f.value for f in formats or []], fail_on=fail_on.value,
            kubernetes_version=kubernetes_version, strict_kinds=strict_kinds, exclude=list(exclude or []),
            stdin_filename=stdin_filename, no_color=no_color, config=config, context=list(context or []),
            rules_dir=list(rules_dir or []), select=list(select) if select else None, ignore=list(ignore or []),
            profile=list(profile or []), complete=complete, schema_location=list(schema_location or []),
            outputs=list(outputs or []), quiet=quiet, statistics=statistics, baseline=baseline,
            changed_since=changed_since, fix=fix, unsafe_fixes=unsafe_fixes, diff=diff,
            max_file_size=max_file_size, max_depth=max_depth, max_documents=max_documents,
            max_aliases=max_aliases, jobs=jobs, no_cache=no_cache, cache_dir=cache_dir,
        )
        raise typer.Exit(check_command.run(args))

    @app.command(
        "baseline", context_settings={"allow_extra_args": True, "ignore_unknown_options": True},
    )
    def baseline_command(
        ctx: typer.Context,
        file: str = typer.Argument(..., metavar="FILE", help="The baseline file to write (JSON)."),
    ) -> None:
        """Record the current findings in FILE, so that `check --baseline FILE` reports only new ones.

        Takes the paths and the options of `check` after FILE, e.g.
        `k8slint baseline .k8slint-baseline.json deploy/ --profile pss-baseline`.
        """
        from k8slint.fastargs import parse_check

        args = parse_check(["baseline", file, *ctx.args])
        if args is None:
            raise typer.Exit(check_command.usage_error(
                f"baseline: cannot read the options {' '.join(ctx.args)!r}; it takes the options of "
                "`k8slint check` (see k8slint check --help)"
            ))
        raise typer.Exit(check_command.run(args))

    @app.command("init")
    def init_command(
        path: str = typer.Argument(".k8slint.yaml", help="Where to write the configuration."),
        force: bool = typer.Option(False, "--force", help="Overwrite an existing file."),
    ) -> None:
        """Write a commented starter configuration (.k8slint.yaml)."""
        raise typer.Exit(check_command.init(path, force))

    @app.command("rules")
    def rules_command(
        rules_dir: List[str] = typer.Option(None, "--rules-dir", metavar="DIR", help="Include YAML rule packs from DIR."),
        output_format: OutputFormat = typer.Option(OutputFormat.text, "--format", "-f", help="Output format."),
    ) -> None:
        """List every rule: code, name, default severity, category, whether it runs by default."""
        raise typer.Exit(check_command.list_rules(list(rules_dir or []), output_format.value))

    @app.command("explain")
    def explain_command(
        rule: str = typer.Argument(..., metavar="RULE", help="A rule code (KL301) or name (service-selector-mismatch)."),
        rules_dir: List[str] = typer.Option(None, "--rules-dir", metavar="DIR", help="Include YAML rule packs from DIR."),
    ) -> None:
        """Print a rule's documentation: why it matters, an example, and what to write instead."""
        raise typer.Exit(check_command.explain(rule, list(rules_dir or [])))

    return app


def _run_typer(argv: List[str]) -> int:
    try:
        _build_app()(args=argv, prog_name="k8slint", standalone_mode=True)
    except SystemExit as exit:
        code = exit.code
        return code if isinstance(code, int) else (0 if code is None else EXIT_USAGE)
    return EXIT_OK


def _dispatch(argv: List[str]) -> int:
    if "_K8SLINT_COMPLETE" in os.environ:  # shell completion asks typer (click) for candidates
        return _run_typer(argv)
    if argv == ["--version"]:
        sys.stdout.write(f"k8slint {__version__}\n")
        return EXIT_OK
    from k8slint.fastargs import parse_check

    args = parse_check(argv)
    if args is not None:
        from k8slint import check_command

        return check_command.run(args)
    return _run_typer(argv)


def main(argv: Optional[List[str]] = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    for stream in (sys.stdout, sys.stderr):  # a terminal that cannot show a name: escape, never crash
        if hasattr(stream, "reconfigure"):
            try:
                stream.reconfigure(errors="backslashreplace")
            except (ValueError, OSError):
                pass
    try:
        with CollectorPaused():  # the imports, the check and the report (see k8slint.collector)
            return _dispatch(argv)
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


def entry() -> None:
    """The ``k8slint`` command and ``python -m k8slint``: ``main()``, then an exit that skips the
    interpreter's teardown.

    A run keeps what it loaded until it ends: on the 10,000-document tree, freeing those
    objects one by one at exit took 0.10-0.15 s of a warm run, and about 15 ms of a one-file
    run (the modules). Nothing is left to do by then: reports are written and closed, cache
    entries renamed into place, worker processes joined. Only the standard streams may hold
    buffered text, so they are flushed first. ``main()`` itself returns, for callers in Python."""
    code = main()
    try:
        sys.stdout.flush()
    except BrokenPipeError:  # the reader stopped reading (k8slint check ... | head): as main() does
        code = EXIT_OK
    except OSError as err:  # e.g. a full disk behind a redirection: the report is incomplete
        _write_stderr(f"k8slint: error: cannot write to standard output: {err.strerror or err}\n")
        code = EXIT_USAGE
    _write_stderr("")
    os._exit(code)


def _write_stderr(text: str) -> None:
    """Write and flush standard error at the very end. If it cannot be written either, the
    exit code is all that is left to say what happened, so the error is dropped."""
    try:
        sys.stderr.write(text)
        sys.stderr.flush()
    except OSError:
        return
