"""Port numbers and port names as the API server validates them (IsValidPortNum,
IsValidPortName, ValidatePortNumOrName): the checks and help lines shared by the rules for
container ports, Service ports and probes.
"""
from __future__ import annotations

import re
from typing import Any, Optional

from k8slint.naming import iana_svc_name
from k8slint.workloads import is_int

PORT_MIN, PORT_MAX = 1, 65535
PORT_NAME_RULES = (
    "port names are IANA service names: at most 15 lowercase letters, digits and '-', with at least "
    "one letter"
)


def port_number_problem(value: int) -> Optional[str]:
    if PORT_MIN <= value <= PORT_MAX:
        return None
    return f"must be between {PORT_MIN} and {PORT_MAX}"


def suggest_port_name(name: str) -> Optional[str]:
    """A valid IANA service name that only spells ``name`` right (lowercase, '-' for '_' and '.',
    no '--'); None when that is not enough (too long, no letter)."""
    text = re.sub(r"[^a-z0-9-]+", "-", name.lower())
    text = re.sub(r"-{2,}", "-", text).strip("-")
    if not text or iana_svc_name(text) or text == name:
        return None
    return text


def name_help(name: str, key: str = "name") -> str:
    fixed = suggest_port_name(name)
    if fixed is not None:
        return f"did you mean {key}: {fixed}? ({PORT_NAME_RULES})"
    if len(name) > 15:
        return f"shorten it to 15 characters or fewer ({PORT_NAME_RULES})"
    return PORT_NAME_RULES[0].upper() + PORT_NAME_RULES[1:]


def int_or_name_problem(value: Any, key: str, allow_unset: bool = False) -> Optional[tuple[str, str]]:
    """(problem, help) for an IntOrString port (targetPort, probe ports), as ValidatePortNumOrName
    sees it; None when valid. ``allow_unset``: 0 and "" mean "not set" (targetPort)."""
    if is_int(value):
        if allow_unset and value == 0:
            return None
        problem = port_number_problem(value)
        if problem is None:
            return None
        return f"{key} {value} is not a port number: it {problem}", f"set {key} to a port between 1 and 65535"
    if not isinstance(value, str) or (allow_unset and value == ""):
        return None
    if value.isascii() and value.isdigit():  # [0-9]+
        return (
            f'{key} "{value}" is quoted, so it is read as a port name, and a port name must contain a letter',
            f"write the number without quotes: {key}: {value.lstrip('0') or '0'}",  # not int(): 4,300+ digits
        )
    problems = iana_svc_name(value)
    if not problems:
        return None
    return f'{key} "{value}" is not a valid port name: it {"; it ".join(problems)}', name_help(value, key)
