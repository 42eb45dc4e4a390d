"""GitHub Actions workflow commands: one annotation per finding, shown on the run and inline
on the pull request's diff.

    ::error file=k8s/web.yaml,line=16,col=22,endLine=16,endColumn=29,title=KL624 restart-policy::message

error → ``::error``, warning → ``::warning``, info → ``::notice``. Paths are relative to the
repository root (``ReportOptions.root``: GitHub resolves annotation paths against the
workspace) when the file lies inside it, else as given. Columns are given only for spans on
one line (GitHub rejects them otherwise). Values are escaped as the runner unescapes them:
``%``, CR and LF everywhere, ``:`` and ``,`` also in properties.
"""
from __future__ import annotations

import os

from k8slint.findings import Finding, Severity
from k8slint.fingerprint import relative_to
from k8slint.report import ReportOptions
from k8slint.report.text import summary_line
from k8slint.run import RunResult

COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


class _Paths:
    """Files as GitHub wants them: relative to the repository root when inside it."""

    def __init__(self, root: str):
        # (text, not pathlib: relative_to works on text, and pathlib's import cost 4 ms)
        absolute = os.path.abspath(root)
        resolved = os.path.realpath(absolute)
        same = os.path.normcase(absolute) == os.path.normcase(resolved)
        self.roots = [absolute] if same else [absolute, resolved]
        self.cache: dict[str, str] = {}

    def __call__(self, file: str) -> str:
        if file not in self.cache:
            relative = None
            for root in self.roots if not (file.startswith("<") and file.endswith(">")) else ():  # <stdin>
                relative = relative_to(file, root)
                if relative is not None:
                    break
            self.cache[file] = relative if relative is not None else file
        return self.cache[file]


def _command(name: str, properties: list[tuple[str, object]], message: str) -> str:
    props = ",".join(f"{key}={escape_property(str(value))}" for key, value in properties)
    return f"::{name} {props}::{escape_data(message)}"


def format_finding(finding: Finding, path: str) -> str:
    s = finding.span
    end_line, end_column = s.end_line, s.end_column
    if end_line > s.line and end_column == 1:  # ends at the start of a line: the line before
        end_line -= 1
    properties: list[tuple[str, object]] = [("file", path), ("line", s.line)]
    if end_line <= s.line:
        properties += [("col", s.column), ("endLine", s.line), ("endColumn", max(end_column, s.column))]
    else:
        properties += [("endLine", end_line)]
    properties.append(("title", f"{finding.rule} {finding.name}"))
    message = finding.message
    if finding.help:
        message += f"\nhelp: {finding.help}"
    return _command(COMMANDS[finding.severity], properties, message)


def render(result: RunResult, options: ReportOptions) -> str:
    paths = _Paths(options.root)
    out = [format_finding(finding, paths(finding.file)) for finding in result.findings]
    for error in result.input_errors:
        out.append(_command("error", [("file", paths(error.path))], f"cannot read {error.path}: {error.reason}"))
    if not options.quiet:
        out.append(summary_line(result.summary, result.kubernetes_version))
    return "".join(line + "\n" for line in out)
