"""The human report: ``file:line:col: severity RULE message``, a code frame with a caret under
the offending span, the help line, and a summary."""
from __future__ import annotations

from k8slint.findings import Finding, Severity
from k8slint.report import ReportOptions
from k8slint.run import RunResult, Summary

_RESET = "\033[0m"
_BOLD = "\033[1m"
_DIM = "\033[2m"
_COLORS = {Severity.ERROR: "\033[31m", Severity.WARNING: "\033[33m", Severity.INFO: "\033[36m"}
_CYAN = "\033[36m"


class _Style:
    def __init__(self, enabled: bool):
        self.enabled = enabled

    def __call__(self, code: str, text: str) -> str:
        return f"{code}{text}{_RESET}" if self.enabled and text else text


def _lines(text: str) -> list[str]:
    """A text's lines, split only: ``_frame`` strips the "\\r" of the lines it shows (stripping
    every line of every file was a third of the report's time on 10,000 documents)."""
    return text.split("\n")


WIDE = 160  # longer source lines are shown as a window around the span


def _window(text: str, begin: int, end: int) -> tuple[str, int, int]:
    """A window of a very long line around columns [begin, end) (1-based), and the columns
    shifted into it; '…' marks what is cut."""
    if len(text) <= WIDE:
        return text, begin, end
    start = max(0, min(begin - 1 - WIDE // 4, len(text) - WIDE))
    shown = text[start:start + WIDE]
    prefix = "…" if start > 0 else ""
    suffix = "…" if start + WIDE < len(text) else ""
    shift = start - len(prefix)
    return prefix + shown + suffix, max(begin - shift, 1), max(min(end - shift, len(prefix) + WIDE + 1), 2)


def _frame(finding: Finding, lines: list[str], style: _Style) -> list[str]:
    span = finding.span
    if not lines or span.line > len(lines):
        return []
    first = span.line
    last = min(span.end_line, first + 2, len(lines))
    if span.end_line > first and span.end_column == 1:
        last = max(first, min(last, span.end_line - 1))
    start = first - 1 if first > 1 and lines[first - 2].strip() else first
    width = len(str(last))
    gutter = " " * width + " |"
    out = [style(_DIM, gutter)]
    for number in range(start, last + 1):
        text = lines[number - 1].rstrip("\r").replace("\t", " ")  # (see _lines)
        if number < first:
            if len(text) > WIDE:
                text = _window(text, span.column, span.column + 1)[0]
            out.append(style(_DIM, f"{number:>{width}} |") + (" " + text if text else ""))
            continue
        begin = span.column if number == first else len(text) - len(text.lstrip()) + 1
        if number == span.end_line:
            end = span.end_column
        else:
            end = len(text) + 1
        end = max(end, begin + 1)
        if len(text) > WIDE:
            text, begin, end = _window(text, begin, end)
            end = max(end, begin + 1)
        out.append(style(_DIM, f"{number:>{width}} |") + (" " + text if text else ""))
        caret = " " * (begin - 1) + "^" * (end - begin)
        out.append(style(_DIM, gutter) + " " + style(_BOLD + _COLORS[finding.severity], caret))
    return out


def format_finding(finding: Finding, lines: list[str], style: _Style) -> list[str]:
    s = finding.span
    sev = finding.severity
    head = (
        style(_BOLD, f"{finding.file}:{s.line}:{s.column}:")
        + " " + style(_BOLD + _COLORS[sev], sev.label)
        + " " + style(_BOLD, finding.rule)
        + " " + finding.message
    )
    out = [head]
    out.extend(_frame(finding, lines, style))
    width = len(str(min(s.end_line, s.line + 2)))
    if finding.help:
        out.append(" " * width + " " + style(_CYAN, "= help:") + " " + finding.help)
    if finding.fix is not None:
        how = "--fix" if finding.fix.safety == "safe" else "--fix --unsafe-fixes"
        out.append(" " * width + " " + style(_CYAN, "= fix:") + f" {finding.fix.title} (k8slint check {how})")
    return out


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def summary_line(summary: Summary, version: str) -> str:
    counted = (
        f"{_plural(summary.files, 'file')}, {_plural(summary.documents, 'document')}, "
        f"{_plural(summary.objects, 'object')}, {summary.skipped} skipped; Kubernetes {version} schema"
    )
    hidden = f" ({summary.baselined} hidden by the baseline)" if summary.baselined else ""
    if not (summary.errors or summary.warnings or summary.infos):
        return f"No problems found in {counted}.{hidden}"
    return (
        f"Found {_plural(summary.errors, 'error')}, {_plural(summary.warnings, 'warning')} and "
        f"{_plural(summary.infos, 'info')} in {counted}.{hidden}"
    )


def statistics(findings: list[Finding], style: _Style) -> list[str]:
    """One line per rule: count, code, name, severity; most frequent first."""
    counts: dict[tuple[str, str, Severity], int] = {}
    for f in findings:
        key = (f.rule, f.name, f.severity)
        counts[key] = counts.get(key, 0) + 1
    rows = sorted(counts.items(), key=lambda item: (-item[1], item[0][0], -item[0][2]))
    width = max((len(str(n)) for n in counts.values()), default=1)
    names = max((len(name) for (_, name, _) in counts), default=0)
    return [
        f"{n:>{width}}  {style(_BOLD, code)}  {name:<{names}}  {style(_COLORS[sev], sev.label)}"
        for (code, name, sev), n in rows
    ]


def render(result: RunResult, options: ReportOptions) -> str:
    style = _Style(options.color)
    out: list[str] = []
    if options.statistics:
        out.extend(statistics(result.findings, style))
        if result.findings:
            out.append("")
    else:
        cache: dict[str, list[str]] = {}
        for finding in result.findings:
            lines = cache.get(finding.file)
            if lines is None:
                lines = cache[finding.file] = _lines(result.texts.get(finding.file, ""))
            out.extend(format_finding(finding, lines, style))
            out.append("")
    if options.quiet:
        return "\n".join(out[:-1]) + "\n" if out else ""
    out.append(style(_BOLD, summary_line(result.summary, result.kubernetes_version)))
    return "\n".join(out) + "\n"
