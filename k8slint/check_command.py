"""What ``k8slint check`` does once its arguments are parsed: run, report, choose the exit code.

Kept free of the CLI framework so that both the typer command and the fast argument parser
(see ``fastargs``) end up here with the same ``CheckArgs``.
"""
from __future__ import annotations

import os
import sys

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing: `k8slint --version` needs none of it
if TYPE_CHECKING:
    from typing import Optional


EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3
SEVERITIES = ("error", "warning", "info")


class CheckArgs:
    """The parsed arguments of ``check`` (and of ``baseline``, which writes ``write_baseline``).

    Plain classes rather than dataclasses on the start-up path: importing dataclasses (it
    imports inspect) and building each dataclass costs more than a one-file check should.
    """

    def __init__(
        self, paths: Optional[list[str]] = None, formats: Optional[list[str]] = None, fail_on: str = "error",
        kubernetes_version: Optional[str] = None, strict_kinds: bool = False,
        exclude: Optional[list[str]] = None, stdin_filename: Optional[str] = None, no_color: bool = False,
        config: Optional[str] = None, context: Optional[list[str]] = None,
        rules_dir: Optional[list[str]] = None, select: Optional[list[str]] = None,
        ignore: Optional[list[str]] = None, profile: Optional[list[str]] = None,
        complete: bool = False, schema_location: Optional[list[str]] = None,
        outputs: Optional[list[str]] = None, quiet: bool = False, statistics: bool = False,
        baseline: Optional[str] = None, changed_since: Optional[str] = None,
        write_baseline: Optional[str] = None, fix: bool = False, unsafe_fixes: bool = False,
        diff: bool = False, max_file_size: Optional[str] = None, max_depth: Optional[str] = None,
        max_documents: Optional[str] = None, max_aliases: Optional[str] = None,
        jobs: Optional[str] = None, no_cache: bool = False, cache_dir: Optional[str] = None,
    ):
        self.paths = paths if paths is not None else []
        self.formats = formats if formats is not None else []  # --format, in order
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
        self.outputs = outputs if outputs is not None else []  # --output, in order (see outputs.py)
        self.quiet = quiet
        self.statistics = statistics
        self.baseline = baseline
        self.changed_since = changed_since
        self.write_baseline = write_baseline  # `k8slint baseline FILE`: record the findings in FILE
        self.fix = fix
        self.unsafe_fixes = unsafe_fixes
        self.diff = diff
        self.max_file_size = max_file_size  # k8slint.limits, as given (parsed by run)
        self.max_depth = max_depth
        self.max_documents = max_documents
        self.max_aliases = max_aliases
        self.jobs = jobs  # --jobs N (None: automatic)
        self.no_cache = no_cache
        self.cache_dir = cache_dir  # None: .k8slint_cache at the repository root

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
    from k8slint.outputs import plan

    try:
        outputs = plan(args.formats, args.outputs) if args.write_baseline is None else []
        return _run(args, outputs)
    except Exception as err:
        if isinstance(err, _usage_errors()):
            return usage_error(str(err))
        raise


def _usage_errors() -> tuple[type, ...]:
    """What a check reports as a usage error (exit 2), imported only when something went wrong:
    a run without --baseline or --changed-since need not load those modules."""
    from k8slint.baseline import BaselineError
    from k8slint.changed import GitError
    from k8slint.config import ConfigError
    from k8slint.outputs import OutputError
    from k8slint.registry import UnknownRule
    from k8slint.rule_packs import PackError
    from k8slint.schema_store import UnknownVersion

    return UnknownVersion, ConfigError, PackError, UnknownRule, OutputError, GitError, BaselineError


def _run(args: CheckArgs, outputs: list) -> int:  # type: ignore[type-arg]
    from k8slint.findings import Severity
    from k8slint.progress import for_terminal
    from k8slint.run import CheckOptions, run_check

    only_files = None
    paths = list(args.paths)
    if args.changed_since is not None:
        from k8slint.changed import changed_files

        only_files = changed_files(args.changed_since)
        paths = paths or ["."]
    if not paths:
        return usage_error("give files or directories to check, or - to read stdin")
    from k8slint.limits import from_options

    try:
        limits = from_options(args.max_file_size, args.max_depth, args.max_documents, args.max_aliases)
    except ValueError as err:
        return usage_error(str(err))
    if args.jobs is not None and (not args.jobs.isdigit() or int(args.jobs) < 1):
        return usage_error(f"--jobs takes a whole number of at least 1, not {args.jobs!r}")
    options = CheckOptions(
        paths=paths, excludes=list(args.exclude), stdin_filename=args.stdin_filename,
        kubernetes_version=args.kubernetes_version, strict_kinds=args.strict_kinds,
        config=args.config, context=list(args.context), rules_dirs=list(args.rules_dir),
        select=split_codes(args.select) if args.select is not None else None, ignore=split_codes(args.ignore),
        profiles=split_codes(args.profile), assume_complete=args.complete,
        schema_locations=list(args.schema_location), only_files=only_files, limits=limits,
        jobs=int(args.jobs) if args.jobs is not None else None, cache_dir=_cache_dir(args),
    )
    if args.unsafe_fixes and not (args.fix or args.diff):
        return usage_error("--unsafe-fixes goes with --fix or --diff")
    if args.fix and args.diff:
        return usage_error("--diff shows what --fix would do: give one of them")
    progress = for_terminal(sys.stderr, args.quiet)
    try:
        if args.fix or args.diff:
            fixed = _fix(args, options, paths, progress)
            if isinstance(fixed, int):
                return fixed
            result, fix_failed = fixed
        else:
            result, fix_failed = run_check(options, progress=progress), False
    finally:
        if progress is not None:
            progress.clear()
    for problem in result.input_errors:
        sys.stderr.write(f"k8slint: error: cannot read {problem}\n")
    if only_files is not None and not result.summary.files and not args.quiet:
        sys.stderr.write(f"k8slint: no file among {' '.join(paths)} changed since {args.changed_since}\n")
    if args.write_baseline is not None:
        return _write_baseline(args.write_baseline, result, args.quiet)
    if args.baseline is not None:
        from k8slint.baseline import apply

        stale = apply(result, args.baseline)
        if stale and not args.quiet:
            sys.stderr.write(
                f"k8slint: {stale} finding{'s' if stale != 1 else ''} in the baseline {args.baseline} "
                f"no longer occur{'s' if stale == 1 else ''}; `k8slint baseline {args.baseline} ...` "
                "rewrites it without them\n"
            )
    _report(args, outputs, result)
    if result.input_errors or fix_failed:
        return EXIT_USAGE
    worst = result.worst()
    if worst is not None and worst >= Severity.parse(args.fail_on):
        return EXIT_FINDINGS
    return EXIT_OK


def _cache_dir(args: CheckArgs) -> Optional[str]:
    """Where the persistent cache lives: --cache-dir, else .k8slint_cache at the repository
    root (or the working directory); none with --no-cache or K8SLINT_NO_CACHE=1."""
    if args.no_cache or os.environ.get("K8SLINT_NO_CACHE", "") not in ("", "0"):
        return None
    if args.cache_dir is not None:
        return args.cache_dir
    from k8slint.cache import DEFAULT_NAME
    from k8slint.pathtext import repository_root

    return os.path.join(repository_root(), DEFAULT_NAME)


def _fix(args: CheckArgs, options: object, paths: list[str], progress: object) -> "int | tuple":
    """--fix / --diff: (the result after fixing, whether some file could not be written), or
    the exit code of --diff."""
    from k8slint import fix_command
    from k8slint.run import run_check

    def check(overlay: dict) -> object:  # type: ignore[type-arg]
        options.overlay = overlay  # type: ignore[attr-defined]
        return run_check(options, progress=progress)  # type: ignore[arg-type]

    result, outcome = fix_command.run_fixes(check, args.unsafe_fixes)
    if "-" in paths and not args.quiet:
        sys.stderr.write("k8slint: standard input is checked but not fixed\n")
    for line in outcome.problems:
        sys.stderr.write(f"k8slint: {line}\n")
    if args.diff:
        sys.stdout.write(fix_command.diff(outcome))
        line = fix_command.summary(outcome, written=False)
        if line and not args.quiet:
            sys.stderr.write(line + "\n")
        sys.stdout.flush()
        if result.input_errors or outcome.problems:  # type: ignore[attr-defined]
            return EXIT_USAGE
        return EXIT_FINDINGS if outcome.changed else EXIT_OK
    from k8slint.pathtext import resolve

    displays = {resolve(p): p for p in result.paths.values()}  # type: ignore[attr-defined]
    # the folders given, or the folder of each file given (a link named on the command line
    # may still not lead out of its folder)
    roots = [_root_of(p) for p in paths if p != "-"]
    problems = fix_command.write(outcome, displays, roots)
    for line in problems:
        sys.stderr.write(f"k8slint: {line}\n")
    if problems:  # what is on disk is not what was checked last: check it again
        result = check({})
    line = fix_command.summary(outcome, written=True)
    if line and not args.quiet:
        sys.stderr.write(line + "\n")
    return result, bool(problems or outcome.problems)


def _root_of(path: str) -> str:
    """The folder a given path may not be left through links: itself, or a file's folder."""
    from k8slint.pathtext import resolve

    try:
        return resolve(path) if os.path.isdir(path) else resolve(os.path.dirname(os.path.abspath(path)))
    except OSError:  # a link loop: reported as an input error already
        return os.path.dirname(os.path.abspath(path))


def _report(args: CheckArgs, outputs: list, result: object) -> None:  # type: ignore[type-arg]
    from k8slint.pathtext import repository_root
    from k8slint.outputs import write_atomically
    from k8slint.report import ReportOptions, render

    options = ReportOptions(
        color=use_color(args.no_color), fail_on=args.fail_on, root=str(repository_root()),
        statistics=args.statistics, quiet=args.quiet,
    )
    to_stdout = False
    for output in outputs:
        if output.path is None:
            to_stdout = True
            _write_stdout(render(output.format, result, options))
            continue
        try:
            write_atomically(output.path, render(output.format, result, options._replace(color=False)))
        except OSError as err:
            from k8slint.outputs import OutputError

            raise OutputError(f"cannot write {output.path}: {err.strerror or err}") from None
    if not to_stdout and not args.quiet:  # every report went to a file: the summary still shows
        from k8slint.report.text import summary_line

        written = ", ".join(f"{o.format} to {o.path}" for o in outputs)
        _write_stdout(f"{summary_line(result.summary, result.kubernetes_version)} Wrote {written}.\n")  # type: ignore[attr-defined]
    _write_stdout("")


def _write_stdout(text: str) -> None:
    """Write (and flush) to standard output; one that cannot be written (a full disk behind a
    redirection) is a clear error with exit code 2, as an --output file is. A reader that went
    away (BrokenPipeError) is left to main()."""
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:
        raise
    except OSError as err:
        from k8slint.outputs import OutputError

        raise OutputError(f"cannot write to standard output: {err.strerror or err}") from None


def _write_baseline(path: str, result: object, quiet: bool) -> int:
    from k8slint.baseline import render
    from k8slint.outputs import OutputError, write_atomically

    try:
        write_atomically(path, render(result, path))
    except OSError as err:
        raise OutputError(f"cannot write {path}: {err.strerror or err}") from None
    if not quiet:
        count = len(result.findings)  # type: ignore[attr-defined]
        sys.stdout.write(f"Wrote {count} finding{'s' if count != 1 else ''} to the baseline {path}.\n")
    return EXIT_USAGE if result.input_errors else EXIT_OK  # type: ignore[attr-defined]


def init(path: str, force: bool) -> int:
    from k8slint.starter_config import write

    try:
        write(path, force)
    except FileExistsError:
        return usage_error(f"{path} already exists; use --force to overwrite it")
    except OSError as err:
        return usage_error(f"cannot write {path}: {err.strerror or err}")
    sys.stdout.write(f"Wrote {path}: a commented starter configuration; uncomment what you need.\n")
    return EXIT_OK


def _registry(rules_dirs: list[str]):  # type: ignore[no-untyped-def]
    from k8slint.registry import load_registry

    return load_registry(rules_dirs)


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
