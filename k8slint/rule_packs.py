"""Declarative rules: "the nodes at this path must satisfy this JSON Schema", in YAML packs.

A pack is a YAML file with a list of rules::

    rules:
      - code: ACME001                 # your own prefix; KL codes are k8slint's
        name: env-var-without-value   # kebab-case, unique
        severity: warning             # error | warning | info
        category: env
        summary: An env var has neither value nor valueFrom.
        why: ...
        example: ...
        use_instead: ...
        match:
          kinds: [Deployment]         # optional: only these kinds
          pod: "{initContainers,containers}[*].env[*]"   # inside every pod spec ("." is the
                                      # pod spec itself), or
          # path: "spec.ports[*]"     # from the object's root; either may be a list of paths
          # partial: true             # also check kustomize patches (see below)
        require:                      # the JSON Schema every matched value must satisfy
          anyOf: [{required: [value]}, {required: [valueFrom]}]
        message: 'env var "{name}" has neither value nor valueFrom'
        help: 'set "value:" or "valueFrom:"'
        profile: my-team                # optional: off unless --profile my-team (or selected)

Paths are dot-separated keys; ``key[*]`` is every item of a list, ``key[2]`` one item,
``{a,b}`` either key, ``*`` every key of a mapping. ``{field}`` in the message and help is the
matched mapping's field; ``{kind}``, ``{name}`` of the object, ``{value}`` (the matched value
when it is a scalar, as YAML writes it), ``{key}`` (the last key of its path), ``{path}``
(where the value is, as ``spec.containers[0].image``), ``{container}`` (the name of the
container the value is in) and ``{where}`` (``container "app"``, ``init container "setup"``,
``ephemeral container "debug"``, or ``the pod`` outside containers) are there too when the
matched value has no such field.

A finding points at the matched value; when that value is a mapping or a list under a key,
it points at the key (``securityContext:``), which is where the fix goes.

Kustomize patches are partial objects: a rule that requires a field would fire on every patch
that leaves the field to the base. Rules skip them unless ``match.partial`` is true, which
suits rules that forbid a value wherever it is written.

Packs are validated against ``PACK_SCHEMA`` when loaded; an invalid pack is an error that
names its file, line and column.
"""
from __future__ import annotations

import os
from typing import Any, Iterable, Iterator, Optional

from k8slint.findings import Severity
from k8slint.rule import Report, Rule

PACK_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["rules"],
    "properties": {"rules": {"type": "array", "items": {"$ref": "#/$defs/rule"}}},
    "$defs": {
        "text": {"type": "string", "minLength": 1},
        "paths": {
            "oneOf": [
                {"type": "string", "minLength": 1},
                {"type": "array", "items": {"type": "string", "minLength": 1}, "minItems": 1},
            ],
        },
        "rule": {
            "type": "object",
            "additionalProperties": False,
            "required": ["code", "name", "severity", "category", "summary", "why", "example",
                         "use_instead", "match", "require", "message"],
            "properties": {
                "code": {"type": "string", "pattern": "^[A-Z][A-Z0-9]*[0-9]{3}$"},
                "name": {"type": "string", "pattern": "^[a-z][a-z0-9]*(-[a-z0-9]+)*$"},
                "severity": {"enum": ["error", "warning", "info"]},
                "category": {"$ref": "#/$defs/text"},
                "summary": {"$ref": "#/$defs/text"},
                "why": {"$ref": "#/$defs/text"},
                "example": {"$ref": "#/$defs/text"},
                "use_instead": {"$ref": "#/$defs/text"},
                "default_enabled": {"type": "boolean"},
                "profile": {"type": "string", "pattern": "^[a-z][a-z0-9]*(-[a-z0-9]+)*$"},
                "match": {
                    "type": "object",
                    "additionalProperties": False,
                    "properties": {
                        "kinds": {"type": "array", "items": {"type": "string"}, "minItems": 1},
                        "path": {"$ref": "#/$defs/paths"},
                        "pod": {"$ref": "#/$defs/paths"},
                        "partial": {"type": "boolean"},
                    },
                    "oneOf": [{"required": ["path"]}, {"required": ["pod"]}],
                },
                "require": {"type": ["object", "boolean"]},
                "message": {"$ref": "#/$defs/text"},
                "help": {"$ref": "#/$defs/text"},
            },
        },
    },
}

_NAME_END = ".[]{}*"  # what a plain key cannot hold


class PackError(ValueError):
    """An invalid rule pack; str() names the file, line and column."""


class PackFieldError(ValueError):
    def __init__(self, keys: tuple, message: str):
        super().__init__(message)
        self.keys = keys


def parse_path(text: str) -> list[tuple[tuple[str, ...], list[Optional[int]]]]:
    """'spec.{a,b}[*].c' → [(('spec',), []), (('a', 'b'), [None]), (('c',), [])]; '.' → []."""
    segments: list[tuple[tuple[str, ...], list[Optional[int]]]] = []
    if text.strip() == ".":
        return segments
    for part in text.split("."):
        segment = _segment(part)
        if segment is None:
            raise ValueError(f"invalid path segment {part!r} in {text!r}")
        segments.append(segment)
    return segments


def _segment(part: str) -> Optional[tuple[tuple[str, ...], list[Optional[int]]]]:
    r"""One part of a path, or None: ``{a,b}``, ``*`` or a key, then any ``[*]`` or ``[N]``.

    What the pattern ``(\{[^}]*\}|\*|[^.\[\]{}*]+)((?:\[(?:\*|\d+)\])*)`` matches, read
    character by character: shipped packs' paths are parsed on every run that uses them, and
    compiling the pattern cost more than all of them (tests/test_rule_packs.py compares the two)."""
    if part.startswith("{"):
        end = part.find("}") + 1
        if not end:
            return None
        keys = tuple(k.strip() for k in part[1:end - 1].split(","))
    elif part.startswith("*"):
        end, keys = 1, ("*",)
    else:
        end = 0
        while end < len(part) and part[end] not in _NAME_END:
            end += 1
        if not end:
            return None
        keys = (part[:end],)
    indexes: list[Optional[int]] = []
    rest = part[end:]
    while rest:
        close = rest.find("]")
        inner = rest[1:close]
        # isdecimal: the Unicode digits (category Nd) \d matches, which int() reads
        if not rest.startswith("[") or close < 0 or not (inner == "*" or inner.isdecimal()):
            return None
        indexes.append(None if inner == "*" else int(inner))
        rest = rest[close + 1:]
    return keys, indexes


def walk(data: Any, base: tuple, segments: list) -> Iterator[tuple[tuple, Any]]:
    """(path, value) for every value the path reaches."""
    if not segments:
        yield base, data
        return
    (keys, indexes), rest = segments[0], segments[1:]
    if not isinstance(data, dict):
        return
    names = [k for k in data if isinstance(k, str)] if keys == ("*",) else [k for k in keys if k in data]
    for name in names:
        yield from _indexes(data[name], base + (name,), indexes, rest)


def _indexes(value: Any, path: tuple, indexes: list, rest: list) -> Iterator[tuple[tuple, Any]]:
    if not indexes:
        yield from walk(value, path, rest)
        return
    if not isinstance(value, list):
        return
    first, more = indexes[0], indexes[1:]
    positions = range(len(value)) if first is None else ([first] if first < len(value) else [])
    for i in positions:
        yield from _indexes(value[i], path + (i,), more, rest)


class _Fields(dict):
    def __missing__(self, key: str) -> str:
        return ""


def _format(template: str, fields: dict[str, Any]) -> str:
    """``template`` with its ``{field}``s filled in (an unknown field is empty); a template that
    cannot be filled (``{0}``, ``{a.b}``, an unbalanced brace) is reported as written.
    str.format_map rather than string.Formatter: the same fields, without importing ``string``."""
    try:
        return template.format_map(_Fields(fields))
    except (ValueError, IndexError, AttributeError, KeyError):
        return template


LOGIC_KEYS = ("match", "require", "message", "help")


def logic_spec(impl: Any) -> Optional[dict[str, Any]]:
    """The spec of a pack rule's logic (see YamlRule.spec), None for other rules."""
    logic = getattr(impl.check, "__self__", None)
    return logic.spec if isinstance(logic, YamlRule) else None


class YamlRule:
    """The logic of one declarative rule."""

    def __init__(self, spec: dict[str, Any]):
        """Raises PackFieldError naming the field (match.path, require) that is invalid."""
        match = spec["match"]
        self.pod = "pod" in match
        field = "pod" if self.pod else "path"
        paths = match[field]
        self.partial = bool(match.get("partial", False))
        self.segments = []
        for i, text in enumerate([paths] if isinstance(paths, str) else paths):
            try:
                self.segments.append(parse_path(text))
            except ValueError as err:
                raise PackFieldError(("match", field) if isinstance(paths, str) else ("match", field, i), str(err)) from None
        self.kinds = frozenset(match["kinds"]) if "kinds" in match else None
        from k8slint.fastschema import compile_schema

        require = spec["require"]
        fast = compile_schema(require)
        if fast is not None:  # common keywords: no need to import jsonschema-rs
            self.is_valid = fast
        else:
            import jsonschema_rs

            try:
                self.is_valid = jsonschema_rs.validator_for(require).is_valid
            except ValueError as err:
                first = str(err).splitlines()[0]
                raise PackFieldError(("require",), f"require is not a valid JSON Schema: {first}") from None
        self.message = spec["message"]
        self.help = spec.get("help")
        # what this logic is made of, for k8slint/rule_index.json (shipped packs are read from
        # there, without parsing and validating their YAML again)
        self.spec = {key: spec[key] for key in LOGIC_KEYS if key in spec}

    def check(self, obj: Any, ctx: Any) -> Iterator[Report]:
        from k8slint.workloads import pod_template

        if obj.partial and not self.partial:
            return
        if self.pod:
            template = pod_template(obj, "")
            if template is None:
                return
            roots = [(template.spec_path, template.spec)]
        else:
            roots = [((), obj.data)]
        for base, data in roots:
            for segments in self.segments:
                for path, value in walk(data, base, segments):
                    if not self.is_valid(value):
                        yield self._report(obj, path, value, _container(data, path[len(base):]) if self.pod else None)

    def _report(self, obj: Any, path: tuple, value: Any, container: Optional[tuple[str, str]]) -> Report:
        from k8slint.locate import format_path

        keys = [p for p in path if isinstance(p, str)]
        label, container_name = container or ("", "")
        fields = {
            "kind": obj.kind, "name": obj.name, "path": format_path(path),
            "key": keys[-1] if keys else "", "value": _scalar_text(value), "container": container_name,
            "where": f'{label} "{container_name}"' if label else "the pod",
        }
        if isinstance(value, dict):
            fields.update({k: v for k, v in value.items() if isinstance(k, str)})
        # A mapping or list under a key: point at the key, where the fix goes.
        key = isinstance(value, (dict, list)) and bool(path) and isinstance(path[-1], str)
        return Report(path, _format(self.message, fields), _format(self.help, fields) if self.help else None, key=key)


_CONTAINER_LISTS = {"containers": "container", "initContainers": "init container", "ephemeralContainers": "ephemeral container"}


def _container(spec: Any, rel: tuple) -> Optional[tuple[str, str]]:
    """(label, name) of the container that the path ``rel`` inside a pod spec is in, if any."""
    if len(rel) < 2 or rel[0] not in _CONTAINER_LISTS or not isinstance(rel[1], int) or not isinstance(spec, dict):
        return None
    items = spec.get(rel[0])
    item = items[rel[1]] if isinstance(items, list) and rel[1] < len(items) else None
    name = item.get("name") if isinstance(item, dict) else None
    return _CONTAINER_LISTS[rel[0]], name if isinstance(name, str) else f"{rel[0]}[{rel[1]}]"


def _scalar_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, (dict, list)):
        return ""
    return str(value)


def _located_error(path: str, root: Any, instance_path: Iterable[Any], message: str, key: bool = False) -> PackError:
    from k8slint.locate import find_node, node_span

    node, _ = find_node(root, tuple(instance_path), want_key=key)
    span = node_span(node)
    return PackError(f"{path}:{span.line}:{span.column}: invalid rule pack: {message}")


def load_pack(path: "str | os.PathLike[str]") -> list[Any]:
    from k8slint.loader import decode, load_text
    from k8slint.pathtext import clean
    from k8slint.registry import RuleImpl
    from k8slint.workloads import POD_KINDS

    path = clean(path)  # named in errors and as the rules' origin, as pathlib printed it
    try:
        with open(path, "rb") as f:
            raw = f.read()
        text, problem = decode(raw)
    except OSError as err:
        raise PackError(f"{path}: cannot read rule pack: {err.strerror or err}") from None
    if text is None:
        raise PackError(f"{path}: {problem.message if problem else 'not UTF-8'}")
    loaded = load_text(text)
    if loaded.issues or any(d.issues for d in loaded.documents):
        issue = (loaded.issues or [i for d in loaded.documents for i in d.issues])[0]
        line = issue.node.start_mark.line if issue.node is not None else issue.line
        column = issue.node.start_mark.column if issue.node is not None else issue.column
        raise PackError(f"{path}:{line + 1}:{column + 1}: {issue.message}")
    docs = [d for d in loaded.documents if d.data is not None]
    if not docs:
        return []
    doc = docs[0]
    from k8slint.fastschema import compile_schema

    valid = compile_schema(PACK_SCHEMA)
    if valid is None or not valid(doc.data):
        import jsonschema_rs  # explains what is wrong (and validates if fastschema cannot)

        errors = list(jsonschema_rs.validator_for(PACK_SCHEMA).iter_errors(doc.data))
    else:
        errors = []
    for error in errors:
        where = list(error.instance_path)
        unexpected = getattr(error.kind, "unexpected", None)
        if unexpected:  # point at the unknown key itself
            where.append(unexpected[0])
        raise _located_error(path, doc.root, where, error.message, key=bool(unexpected))
    impls = []
    for i, spec in enumerate(doc.data["rules"]):
        try:
            logic = YamlRule(spec)
        except PackFieldError as err:  # an invalid path, or a "require" that is not a JSON Schema
            raise _located_error(path, doc.root, ("rules", i, *err.keys), str(err)) from None
        rule = Rule(
            spec["code"], spec["name"], Severity.parse(spec["severity"]), spec["category"], spec["summary"],
            spec["why"], spec["example"], spec["use_instead"], "never", spec.get("default_enabled", True),
            spec.get("profile"),
        )
        kinds = logic.kinds
        if logic.pod:
            kinds = POD_KINDS if kinds is None else kinds & POD_KINDS
        impls.append(RuleImpl(rule, kinds, logic.check, origin=str(path)))
    return impls


def load_packs(folders: Iterable["str | os.PathLike[str]"]) -> list[Any]:
    from k8slint.pathtext import clean

    impls: list[Any] = []
    for folder in map(clean, folders):
        if os.path.isfile(folder):
            impls.extend(load_pack(folder))
            continue
        if not os.path.isdir(folder):
            raise PackError(f"{folder}: rules directory not found")
        for name in _pack_names(folder):
            impls.extend(load_pack(os.path.join(folder, name)))
    return impls


def _pack_names(folder: str) -> list[str]:
    """The names in ``folder`` that ``Path(folder).glob("*.y*ml")`` gives (dot-files and
    folders too: a folder so named is reported as an unreadable pack), in order."""
    from fnmatch import fnmatch

    try:
        names = os.listdir(folder)
    except PermissionError:  # as pathlib's glob: nothing
        return []
    return sorted(name for name in names if fnmatch(name, "*.y*ml"))
