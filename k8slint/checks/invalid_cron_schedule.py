"""KL625: a CronJob schedule the API server cannot parse, or a timeZone it does not know."""
from __future__ import annotations

import re
from typing import Any, Iterator, Optional

from k8slint.findings import Severity
from k8slint.named_tuple import NamedTuple
from k8slint.rule import Report, Rule
from k8slint.scalars import bounded_int
from k8slint.suggest import closest

RULE = Rule(
    "KL625", "invalid-cron-schedule", Severity.ERROR, "api-validation",
    "A CronJob schedule that is not a 5-field cron expression or descriptor the API server "
    "accepts, or a timeZone that is not an IANA time zone.",
    why="The schema only says the schedule is a string. The API server parses it with the "
    "robfig/cron v3 standard parser (cron.ParseStandard in validateScheduleFormat, "
    "pkg/apis/batch/validation/validation.go) and rejects what does not parse: exactly five "
    "fields (minute 0-59, hour 0-23, day of month 1-31, month 1-12 or JAN-DEC, day of week 0-6 "
    "or SUN-SAT; `*`, `?`, ranges `a-b`, steps `/n` and lists `,`) or a descriptor (@yearly, "
    "@annually, @monthly, @weekly, @daily, @midnight, @hourly, `@every <duration>`). A sixth "
    "field for seconds (Quartz, Spring) is the usual mistake, and 7 for Sunday. A `TZ=` or "
    "`CRON_TZ=` prefix is rejected since Kubernetes 1.29 (\"cannot use TZ or CRON_TZ in "
    "schedule, use timeZone field instead\"); use spec.timeZone. validateTimeZone rejects "
    "a timeZone that is empty, `Local`, malformed or unknown to the time-zone database: a "
    "malformed one is an error here, a well-formed name that k8slint's time-zone database does "
    "not know is a warning (databases differ between versions).",
    example="kind: CronJob\nspec:\n  schedule: \"0 0 2 * * *\"\n  timeZone: europe/paris\n",
    use_instead="kind: CronJob\nspec:\n  schedule: \"0 2 * * *\"\n  timeZone: Europe/Paris\n",
)
KINDS = frozenset({"CronJob"})


class Bounds(NamedTuple):
    name: str
    low: int
    high: int
    names: dict[str, int]


MONTH_NAMES = {m: i + 1 for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"))}
DOW_NAMES = {d: i for i, d in enumerate(("sun", "mon", "tue", "wed", "thu", "fri", "sat"))}
FIELDS = (
    Bounds("minute", 0, 59, {}),
    Bounds("hour", 0, 23, {}),
    Bounds("day of month", 1, 31, {}),
    Bounds("month", 1, 12, MONTH_NAMES),
    Bounds("day of week", 0, 6, DOW_NAMES),
)
DESCRIPTORS = ("@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly")
LAYOUT = (
    "the five fields are: minute (0-59), hour (0-23), day of month (1-31), month (1-12 or JAN-DEC), "
    "day of week (0-6 or SUN-SAT)"
)
EXAMPLE = {
    "minute": '"*/15 * * * *" runs every 15 minutes',
    "hour": '"0 2 * * *" runs at 02:00',
    "day of month": '"0 0 1 * *" runs on the first of each month',
    "month": '"0 0 1 JAN,JUL *" runs on 1 January and 1 July',
    "day of week": '"0 9 * * MON-FRI" runs at 09:00 on weekdays',
}
_GO_INT = re.compile(r"[+-]?[0-9]+\Z")
_DURATION = re.compile(r"([0-9]+\.?[0-9]*|\.[0-9]+)(ns|us|µs|μs|ms|s|m|h)")
_QUARTZ = re.compile(r"^L$|^LW$|^[0-9]+[LW]$|#|^L-[0-9]+$|^[A-Za-z]{3}L$|^[0-9]L$")
_TZ_PART = re.compile(r"[A-Za-z.\-_0-9+]{1,14}\Z")


class CronError(Exception):
    def __init__(self, message: str, help: str):
        super().__init__(message)
        self.message = message
        self.help = help


def check(obj: Any, ctx: Any) -> Iterator[Report]:
    spec = obj.data.get("spec")
    if not isinstance(spec, dict):
        return
    who = f"CronJob {ctx.namespace(obj)}/{obj.name or '<unnamed>'}"
    schedule = spec.get("schedule")
    if isinstance(schedule, str):
        report = _check_schedule(who, schedule, spec.get("timeZone"), ctx.version)
        if report is not None:
            yield report
    zone = spec.get("timeZone")
    if isinstance(zone, str):
        report = _check_time_zone(who, zone)
        if report is not None:
            yield report


def _check_schedule(who: str, schedule: str, zone: Any, version: tuple[int, int]) -> Optional[Report]:
    at = ("spec", "schedule")
    if not schedule.strip():
        return Report(at, f"{who} has an empty schedule", f"set a cron schedule; {LAYOUT}")
    try:
        parse_standard(schedule)
    except CronError as err:
        return Report(at, f'{who} schedule "{schedule}" is not valid: {err.message}', err.help)
    if "TZ" in schedule:
        m = re.match(r"\s*(?:CRON_)?TZ=(\S*)\s*(.*)", schedule)
        rest = m.group(2) if m else schedule
        name = m.group(1) if m else ""
        help = f'remove the prefix and set spec.timeZone: {name} (schedule: "{rest}")' if m else (
            "remove TZ from the schedule and set spec.timeZone")
        if zone is not None:
            help = f'remove the prefix (schedule: "{rest}"): spec.timeZone already sets the time zone'
        if version >= (1, 29):
            return Report(
                at, f'{who} schedule "{schedule}" sets its time zone with TZ or CRON_TZ, which the API server '
                "rejects (use the timeZone field)", help,
            )
        return Report(
            at, f'{who} schedule "{schedule}" sets its time zone with TZ or CRON_TZ, which Kubernetes never '
            "supported and rejects from 1.29 on", help, severity=Severity.WARNING,
        )
    return None


def parse_standard(spec: str) -> None:
    """What robfig/cron v3 ``ParseStandard`` accepts; raises CronError with its reason."""
    if spec.startswith(("TZ=", "CRON_TZ=")):
        space = spec.find(" ")
        if space < 0:
            raise CronError("a TZ= prefix must be followed by a schedule", f"set spec.timeZone instead; {LAYOUT}")
        spec = spec[space:].strip()
    if spec.startswith("@"):
        _parse_descriptor(spec)
        return
    fields = spec.split()
    if len(fields) != 5:
        raise CronError(f"expected exactly 5 fields, found {len(fields)}", _count_help(fields))
    for text, bounds in zip(fields, FIELDS):
        for part in text.split(","):
            if not part:
                continue  # robfig/cron splits lists with FieldsFunc: empty items are dropped
            problem = _range_problem(part, bounds)
            if problem is not None:
                shown = f'"{part}"' if part != text else f'"{text}"'
                raise CronError(f"{bounds.name} field {shown}: {problem}", _field_help(bounds, part))


def _parse_descriptor(spec: str) -> None:
    if spec in DESCRIPTORS:
        return
    if spec.strip() in DESCRIPTORS:
        raise CronError(f'"{spec}" has spaces around the descriptor', f'write "{spec.strip()}" exactly')
    if spec.startswith("@every "):
        duration = spec[len("@every "):]
        if not _go_duration(duration):
            raise CronError(
                f'"{duration}" is not a duration',
                'write a Go duration such as "@every 30m", "@every 1h30m" or "@every 90s"',
            )
        return
    word = spec.split()[0]
    near = closest(word, DESCRIPTORS + ("@every",))
    listing = f"{', '.join(DESCRIPTORS)} and @every <duration>"
    raise CronError(
        f"unknown descriptor {word}",
        f"did you mean {near[0]}? The descriptors are {listing}" if near else f"the descriptors are {listing}",
    )


def _go_duration(text: str) -> bool:
    """time.ParseDuration: [+-] then one or more number+unit pairs ("0" alone is valid too)."""
    body = text[1:] if text[:1] in "+-" else text
    if body == "0":
        return True
    if not body:
        return False
    pos = 0
    while pos < len(body):
        m = _DURATION.match(body, pos)
        if m is None:
            return False
        pos = m.end()
    return True


def _range_problem(expr: str, bounds: Bounds) -> Optional[str]:
    """robfig/cron getRange: `*`, `?`, `a`, `a-b`, each with an optional `/step`."""
    range_and_step = expr.split("/")
    low_high = range_and_step[0].split("-")
    if low_high[0] in ("*", "?"):
        start, end = bounds.low, bounds.high
    else:
        start_value = _int_or_name(low_high[0], bounds)
        if isinstance(start_value, str):
            return start_value
        start = end = start_value
        if len(low_high) == 2:
            end_value = _int_or_name(low_high[1], bounds)
            if isinstance(end_value, str):
                return end_value
            end = end_value
        elif len(low_high) > 2:
            return f"too many hyphens in {expr}"
    if len(range_and_step) == 2:
        step = _must_int(range_and_step[1])
        if isinstance(step, str):
            return step
        if len(low_high) == 1 and low_high[0] not in ("*", "?"):
            end = bounds.high  # "N/step" means "N-max/step"
        if step == 0:
            return f"the step of {expr} must be a positive number"
    elif len(range_and_step) > 2:
        return f"too many slashes in {expr}"
    if start < bounds.low:
        return f"{start} is below the minimum {bounds.low}"
    if end > bounds.high:
        return f"{end} is above the maximum {bounds.high}"
    if start > end:
        return f"the range {expr} starts after it ends"
    return None


def _int_or_name(text: str, bounds: Bounds) -> int | str:
    if text.lower() in bounds.names:
        return bounds.names[text.lower()]
    return _must_int(text)


def _must_int(text: str) -> int | str:
    if not _GO_INT.match(text):
        if not text:
            return "a value is missing (an empty list item or range end)"
        return f'"{text}" is not a number'
    value = bounded_int(text, 18)
    if value is None:  # beyond any field's range
        return f'"{text[:20]}..." is out of range'
    if value < 0:
        return f"negative number {value}"
    return value


def _count_help(fields: list[str]) -> str:
    if len(fields) in (6, 7):
        # Quartz/Spring: seconds first (and a year last): drop them.
        rest = fields[1:6]
        try:
            parse_standard(" ".join(rest))
        except CronError:
            pass
        else:
            what = "a seconds field" if len(fields) == 6 else "seconds and year fields"
            return (
                f'Kubernetes cron expressions have no seconds (this looks like {what}, as in Quartz or Spring): '
                f'did you mean "{" ".join(rest)}"?'
            )
        return f"Kubernetes cron expressions have 5 fields, no seconds or year; {LAYOUT}"
    return f'{LAYOUT}, e.g. "30 2 * * *" runs at 02:30 every day'


def _field_help(bounds: Bounds, part: str) -> str:
    if bounds.names:
        for word in re.findall(r"[A-Za-z]+", part):
            if word.lower() in bounds.names:
                continue
            near = closest(word.upper(), [n.upper() for n in bounds.names])
            if near:
                return f'did you mean {part.replace(word, near[0])}? The {bounds.name} is {_range_text(bounds)}'
    if re.search(r"/0+$", part):
        return f'a step must be at least 1: {EXAMPLE["minute"]}'
    if bounds.name == "day of week" and re.search(r"(^|-)7(/|$)", part):
        return "Sunday is 0 (or SUN) in Kubernetes cron, and 7 is not accepted: write 0 instead of 7"
    if _QUARTZ.search(part):
        return f"L, W and # (Quartz extensions) are not supported; {LAYOUT}"
    return f"the {bounds.name} is {_range_text(bounds)}: {EXAMPLE[bounds.name]}"


def _range_text(bounds: Bounds) -> str:
    if bounds.name == "month":
        return "1-12 or JAN-DEC"
    if bounds.name == "day of week":
        return "0-6 or SUN-SAT (0 is Sunday)"
    return f"{bounds.low}-{bounds.high}"


def _check_time_zone(who: str, zone: str) -> Optional[Report]:
    """validateTimeZone: not empty, not Local, IANA name syntax, known to the database."""
    at = ("spec", "timeZone")
    if not zone:
        return Report(at, f"{who} has an empty timeZone", "remove timeZone (the controller's time zone is used) "
                      "or set an IANA time zone such as Etc/UTC or Europe/Paris")
    if zone.lower() == "local":
        return Report(
            at, f'{who} has timeZone: {zone}, which the API server rejects: it must be an explicit time zone',
            "set an IANA time zone such as Etc/UTC or Europe/Paris, or remove timeZone",
        )
    known = _zones()
    near = _near_zone(zone, known)
    for part in zone.split("/"):
        if part in (".", "..") or part.startswith("-") or not _TZ_PART.match(part):
            return Report(
                at, f'{who} timeZone "{zone}" is not a time zone name: names are Area/Location, such as '
                "Europe/Paris, with no spaces",
                f'did you mean {near}?' if near else "set an IANA time zone such as Etc/UTC or America/New_York",
            )
    if not known or zone in known:
        return None
    if near is not None:
        return Report(
            at, f'{who} timeZone "{zone}" is not a time zone of the IANA database (names are case-sensitive)',
            f"did you mean {near}?",
        )
    return Report(
        at, f'{who} timeZone "{zone}" is not in the time-zone database k8slint knows; the API server rejects '
        "zones it does not know",
        "check the spelling against the IANA list (Area/Location, such as America/New_York)",
        severity=Severity.WARNING,
    )


def _zones() -> frozenset[str]:
    try:
        import zoneinfo

        return frozenset(zoneinfo.available_timezones())
    except Exception:  # no time-zone database on this system
        return frozenset()


def _near_zone(zone: str, known: frozenset[str]) -> Optional[str]:
    if not known:
        return None
    wanted = zone.strip().replace(" ", "_").lower()
    for name in known:
        if name.lower() == wanted:
            return name
    near = closest(zone.strip().replace(" ", "_"), known)
    return near[0] if len(near) == 1 else None
