"""Validate objects against the Kubernetes schema and explain each failure at its position.

One finding per problem, at the most precise node: an unknown key at the key, a bad value at
the value, a missing field at its parent. jsonschema's raw messages are translated into what
a person needs: the field, what was expected, what was found, and a did-you-mean.
"""
from __future__ import annotations

import copy
import re
from typing import Any, Iterable, Optional, Sequence

import k8slint.yaml_package  # noqa: F401 (first: ruamel.yaml without its package's __init__)
from ruamel.yaml.nodes import ScalarNode

from k8slint import core_rules
from k8slint.findings import Finding, Severity
from k8slint.locate import PathElem, find_node, format_path, last_label, node_span
from k8slint.objects import K8sObject
from k8slint.rule import Rule
from k8slint.scalars import YAML11_BOOL_WORDS
from k8slint.scalars import bounded_int
from k8slint.schema_store import SchemaStore
from k8slint.suggest import closest, did_you_mean

_TYPE_NAMES = {
    "object": "mapping", "array": "list", "string": "string", "integer": "integer",
    "number": "number", "boolean": "boolean", "null": "null",
}
_VERSION = r"v(\d+)(?:(alpha|beta)(\d+))?\Z"  # compiled on first use (re caches it)


def _has_selector(data: dict) -> bool:
    spec = data.get("spec")
    selector = spec.get("selector") if isinstance(spec, dict) else None
    return isinstance(selector, dict) and any(selector.get(k) for k in ("matchLabels", "matchExpressions"))


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "list"
    return "mapping"


def _expected(types: Any) -> list[str]:
    names = [types] if isinstance(types, str) else list(types)
    return [_TYPE_NAMES.get(t, t) for t in names if t != "null"]


def _short(value: Any, limit: int = 40) -> str:
    import json  # messages about values only

    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _version_rank(api_version: str) -> tuple[int, int, int]:
    m = re.match(_VERSION, api_version.rpartition("/")[2])
    if not m:
        return (0, 0, 0)
    stability = {None: 2, "beta": 1, "alpha": 0}[m.group(2)]
    return (stability, _rank(m.group(1)), _rank(m.group(3) or "0"))


def _rank(digits: str) -> int:
    """The number, capped (an apiVersion may have any number of digits)."""
    value = bounded_int(digits, 18)
    return 10**18 if value is None else value


def _deprecation(api_version: str, kind: str, version: str) -> Any:
    """The deprecation status of an apiVersion/kind, or None. GA versions (v1, v2) are never
    removed, so they skip the data (and its loading) except the few GA kinds deprecated."""
    if _is_ga(api_version) and (api_version, kind) not in _GA_DEPRECATED:
        return None
    from k8slint.deprecations import status

    return status(api_version, kind, version)


_GA_DEPRECATED = {("v1", "Endpoints"), ("v1", "ComponentStatus")}


def _is_ga(api_version: str) -> bool:
    """A version with no alpha or beta: "v1", "apps/v1" (the pattern (?:^|/)v\\d+\\Z)."""
    version = api_version.rpartition("/")[2]
    return version[:1] == "v" and version[1:].isdecimal()


def _replacement_help(dep: Any) -> str:
    if not dep.replacement:
        return f"there is no replacement for {dep.kind}: remove it" + (f" ({dep.notes})" if dep.notes else "")
    kind = f", kind: {dep.replacement_kind}" if dep.replacement_kind and dep.replacement_kind != dep.kind else ""
    since = f" (served since Kubernetes {dep.replacement_since})" if dep.replacement_since else ""
    notes = f"; {dep.notes}" if dep.notes else ""
    return f"use apiVersion: {dep.replacement}{kind}{since}{notes}"


def _kinds_help(api_version: str, kinds: set[str]) -> str:
    if not kinds:
        return "check the kind and the apiVersion"
    listed = sorted(kinds)
    if len(listed) > 10:
        return "check the spelling; `kubectl api-resources` lists the kinds a cluster serves"
    return f"the kinds of {api_version} are: " + ", ".join(listed)


class SchemaChecker:
    """Schema findings for objects; remembers which custom kinds it already reported."""

    def __init__(self, store: SchemaStore, strict_kinds: bool = False, engine: str = "python"):
        self.store = store
        self.strict_kinds = strict_kinds
        self.engine = engine  # which fast validator answers "valid?" (see SchemaStore.is_valid)
        # (apiVersion, kind) reported as having no schema → the file of the object it was reported on
        self._no_schema_reported: dict[tuple[str, str], str] = {}
        self.deferred: list[K8sObject] = []  # custom resources, checked after every file is read

    # -- entry point ---------------------------------------------------------------------
    def check(self, obj: K8sObject) -> list[Finding]:
        api_version, kind = obj.api_version, obj.kind
        out: list[Finding] = []
        for field, value in (("apiVersion", api_version), ("kind", kind)):
            if not isinstance(value, str):
                out.append(self._finding(
                    core_rules.WRONG_TYPE, obj, (field,),
                    f"{field}: expected string, got {_json_type(value)} {_short(value)}",
                    f"write the {field} as a string",
                ))
        if out:
            return out
        deprecation = _deprecation(api_version, kind, self.store.version)
        if deprecation is not None and deprecation.is_removed:
            return [self._removed(obj, deprecation)]  # one clear finding, not schema noise too
        def_name = self.store.lookup(api_version, kind)
        if def_name is None:
            return self._unknown_type(obj, api_version, kind)
        if deprecation is not None:
            out.append(self._deprecated(obj, deprecation))
        if self.store.is_valid(def_name, obj.data, obj.partial, self.engine):
            return out
        return out + self.explain(obj, self.store.iter_errors(def_name, obj.data, obj.partial))

    # -- deprecated and removed APIs (schemas/deprecations.yaml) ----------------------------
    def _removed(self, obj: K8sObject, dep: Any) -> Finding:
        since = f" (deprecated since {dep.deprecated})" if dep.deprecated else ""
        return self._finding(
            core_rules.UNKNOWN_API_VERSION, obj, ("apiVersion",),
            f"{dep.kind} {dep.api_version} was removed in Kubernetes {dep.removed}{since}; "
            f"it is not served in Kubernetes {self.store.version}",
            _replacement_help(dep), fix=self._api_version_fix(obj, dep),
        )

    def _deprecated(self, obj: K8sObject, dep: Any) -> Finding:
        removal = f" and removed in {dep.removed}" if dep.removed else ""
        return self._finding(
            core_rules.DEPRECATED_API, obj, ("apiVersion",),
            f"{dep.kind} {dep.api_version} is deprecated since Kubernetes {dep.deprecated}{removal}",
            _replacement_help(dep), fix=self._api_version_fix(obj, dep),
        )

    def _api_version_fix(self, obj: K8sObject, dep: Any) -> Any:
        """apiVersion → the one replacement of the same kind, when the store has its schema.
        Safe when the object, with only its apiVersion changed, is valid there; otherwise
        (fields renamed or restructured by the new version) unsafe: a person finishes it."""
        replacement = dep.replacement
        if not isinstance(replacement, str) or dep.replacement_kind != dep.kind or replacement == dep.api_version:
            return None
        def_name = self.store.lookup(replacement, dep.kind)
        if def_name is None:
            return None
        data = copy.deepcopy(obj.data) if isinstance(obj.data, dict) else None
        if data is None:
            return None
        data["apiVersion"] = replacement
        from k8slint.fixes import SAFE, UNSAFE, set_value  # only when there is something to fix

        safety = SAFE if self.store.is_valid(def_name, data, obj.partial, self.engine) else UNSAFE
        if dep.kind == "PodDisruptionBudget" and not _has_selector(data):
            # policy/v1beta1: an empty selector selects no pod; policy/v1: every pod of the namespace
            safety = UNSAFE
        return set_value(
            ("apiVersion",), replacement, f"replace apiVersion {dep.api_version} with {replacement}", safety,
        )

    # -- helpers -------------------------------------------------------------------------
    def _finding(
        self, rule: Rule, obj: K8sObject, path: Sequence[PathElem], message: str,
        help: Optional[str] = None, want_key: bool = False, severity: Optional[Severity] = None,
        fix: Any = None,
    ) -> Finding:
        node, _ = find_node(obj.located(), path, want_key)
        finding = rule.finding(
            obj.file, node_span(node), message, help, obj.ref(),
            format_path(tuple(obj.prefix) + tuple(path)) or None, severity,
        )
        finding.file_index = obj.file_index
        finding.source = obj
        if fix is not None and obj.node is not None:
            from k8slint.fixes import resolve

            finding.fix = resolve(fix, obj.node, obj.prefix, obj.doc_index)
        return finding

    def _where(self, obj: K8sObject, path: Sequence[PathElem]) -> str:
        kind = obj.kind if isinstance(obj.kind, str) else "object"
        return f"{kind} {format_path(path)}" if path else kind

    def _label(self, obj: K8sObject, path: Sequence[PathElem]) -> str:
        return last_label(path) if path else (obj.kind if isinstance(obj.kind, str) else "object")

    # -- apiVersion / kind -----------------------------------------------------------------
    def _unknown_type(self, obj: K8sObject, api_version: str, kind: str) -> list[Finding]:
        store = self.store
        group = api_version.rpartition("/")[0]
        served = store.api_versions_of(kind)
        builtin_group = group in store.groups
        k8s = f"Kubernetes {store.version}"
        if served and (builtin_group or closest(group, store.groups)):
            best = max(served, key=lambda av: (av.rpartition("/")[0] == group, _version_rank(av)))
            others = [av for av in served if av != best]
            help = f'use "apiVersion: {best}"'
            if others:
                help += " (also served: " + ", ".join(others) + ")"
            return [self._finding(
                core_rules.UNKNOWN_API_VERSION, obj, ("apiVersion",),
                f"{kind} is not served as {api_version} in {k8s}", help,
            )]
        if builtin_group:
            in_group = store.kinds_in_group(group)
            hint = did_you_mean(kind, in_group)
            if hint is None:
                near = closest(kind, store.all_kinds())
                if near:
                    avs = store.api_versions_of(near[0])
                    best = max(avs, key=_version_rank)
                    hint = f'did you mean "{near[0]}" (apiVersion: {best})?'
            return [self._finding(
                core_rules.UNKNOWN_KIND, obj, ("kind",),
                f'{api_version} has no kind "{kind}" in {k8s}',
                hint or _kinds_help(api_version, in_group),
            )]
        # A custom resource: its CustomResourceDefinition may come later in the run (or from
        # the context, or a schema folder), so it is checked once everything has been read.
        self.deferred.append(obj)
        return []

    def check_custom(self, obj: K8sObject, customs: Any) -> list[Finding]:
        """A custom resource, against the CRDs and schema folders of the run (see run.py)."""
        api_version, kind = obj.api_version, obj.kind
        schema = customs.lookup(api_version, kind)
        if schema is not None:
            try:
                if obj.partial or schema.is_valid(obj.data):
                    return []
                return self.explain(obj, list(schema.iter_errors(obj.data)))
            except Exception as err:  # the CRD's own schema is broken (jsonschema: UnknownType, ...)
                reason = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
                return [self._finding(
                    core_rules.NO_SCHEMA, obj, ("kind",),
                    f"the CustomResourceDefinition's schema for {kind} ({api_version}) cannot be used "
                    f"({type(err).__name__}: {reason[:200]}); this object is not validated",
                    "fix the CRD's openAPIV3Schema (types are object, array, string, integer, number, boolean)",
                )]
        group = api_version.rpartition("/")[0]
        served = customs.served_versions(group, kind)
        if served:
            best = max(served, key=lambda v: _version_rank(f"{group}/{v}"))
            return [self._finding(
                core_rules.UNKNOWN_API_VERSION, obj, ("apiVersion",),
                f"{kind} is not served as {api_version} by its CustomResourceDefinition",
                f'use "apiVersion: {group}/{best}" (served: ' + ", ".join(f"{group}/{v}" for v in served) + ")",
            )]
        kinds = customs.kinds_of(group)
        if kinds:
            return [self._finding(
                core_rules.UNKNOWN_KIND, obj, ("kind",),
                f'no CustomResourceDefinition of group {group} defines kind "{kind}"',
                did_you_mean(kind, kinds) or "the kinds of " + group + " are: " + ", ".join(sorted(kinds)),
            )]
        key = (api_version, kind)
        if key in self._no_schema_reported:
            return []
        self._no_schema_reported[key] = obj.file
        severity = Severity.ERROR if self.strict_kinds else None
        return [self._finding(
            core_rules.NO_SCHEMA, obj, ("kind",),
            f"no schema for {kind} ({api_version}); objects of this kind are not validated",
            "add its CustomResourceDefinition to the checked files or the context, or a catalog with "
            "--schema-location; this is reported once per kind"
            + ("" if self.strict_kinds else " (--strict-kinds makes it an error)"),
            severity=severity,
        )]

    # -- schema errors ---------------------------------------------------------------------
    def explain(self, obj: K8sObject, errors: Iterable[Any]) -> list[Finding]:
        errors = sorted(errors, key=lambda e: (list(map(str, e.absolute_path)), str(e.validator)))
        typed = {tuple(e.absolute_path) for e in errors if e.validator == "type"}
        # A misspelt required field is one problem, not two: "contianers" is reported as an
        # unknown field with its did-you-mean, and the missing "containers" is not reported.
        misspelt: set[tuple] = set()
        for e in errors:
            if e.validator == "additionalProperties" and e.validator_value is False:
                allowed = e.schema.get("properties", {})
                for key in e.instance:
                    if key not in allowed:
                        for target in closest(key, allowed):
                            misspelt.add((tuple(e.absolute_path), target))
        out: list[Finding] = []
        required_done: set[tuple] = set()
        for err in errors:
            path = tuple(err.absolute_path)
            validator = err.validator
            if validator == "additionalProperties" and err.validator_value is False:
                out.extend(self._unknown_fields(obj, path, err))
            elif validator == "required":
                # jsonschema raises one error per missing field, each carrying the whole list:
                # report every missing field of the object once.
                if path not in required_done:
                    required_done.add(path)
                    out.extend(self._missing(obj, path, err, misspelt))
            elif validator == "type":
                out.append(self._wrong_type(obj, path, err))
            elif validator == "enum":
                if path not in typed:
                    out.append(self._bad_value(obj, path, err))
            else:  # no other keyword occurs in the bundled schemas; kept for robustness
                out.append(self._finding(
                    core_rules.INVALID_VALUE, obj, path,
                    f"{self._label(obj, path)}: {err.message}",
                    "see `kubectl explain` for the field's format",
                ))
        return out

    def _unknown_fields(self, obj: K8sObject, path: tuple, err: Any) -> list[Finding]:
        allowed = sorted(err.schema.get("properties", {}))
        out = []
        for key in err.instance:
            if key in allowed or (obj.partial and key.startswith("$")):
                continue  # "$patch", "$setElementOrder/..." are strategic-merge-patch directives
            hint = did_you_mean(key, allowed)
            message = f'unknown field "{key}" in {self._where(obj, path)}'
            fix = None
            if hint:
                message += f"; {hint}"
                candidates = closest(key, allowed)
                best = candidates[0]
                help = f'rename "{key}" to "{best}"'
                # One candidate, not already there: renaming is the repair (with two, or with
                # the right key present too, a person decides which one is meant).
                if len(candidates) == 1 and isinstance(key, str) and best not in err.instance:
                    from k8slint.fixes import rename_key

                    fix = rename_key(path + (key,), best, f'rename "{key}" to "{best}"')
            elif len(allowed) <= 12:
                help = "remove it or check its indentation; the fields allowed here are: " + ", ".join(allowed)
            else:
                where = format_path(path) or "the top level"
                help = f"remove it or check its indentation; see `kubectl explain` for the fields of {where}"
            out.append(self._finding(
                core_rules.UNKNOWN_FIELD, obj, path + (key,), message, help, want_key=True, fix=fix,
            ))
        return out

    def _missing(self, obj: K8sObject, path: tuple, err: Any, misspelt: set[tuple]) -> list[Finding]:
        instance = err.instance
        out = []
        for field in err.validator_value:
            if not isinstance(instance, dict) or field in instance or (path, field) in misspelt:
                continue
            label = last_label(path) if path and isinstance(path[-1], int) else self._where(obj, path)
            message = f'{label} has no "{field}"'
            help = f'add the required field "{field}"'
            out.append(self._finding(core_rules.MISSING_FIELD, obj, path, message, help))
        return out

    def _wrong_type(self, obj: K8sObject, path: tuple, err: Any) -> Finding:
        expected = _expected(err.validator_value)
        value = err.instance
        got = _json_type(value)
        node, _ = find_node(obj.located(), path)
        source = node.value if node.__class__ is ScalarNode and not node.style else None
        shown = _short(value)
        note = ""
        help: Optional[str] = None
        fix = None
        if "string" in expected and source is not None and got in ("boolean", "integer", "number", "null"):
            if source in YAML11_BOOL_WORDS and source not in ("true", "false"):
                note = f" (unquoted {source} is a YAML 1.1 boolean)"
            elif got == "integer" and re.fullmatch(r"[-+]?0[0-7]+", source.replace("_", "")):
                note = f" (unquoted {source} is an octal number)"
            elif source != shown:
                note = f" (written {source})"
            help = f'quote it: "{source}"'
            if source:  # the text as written, as a string (the edit adds the quotes)
                from k8slint.fixes import set_value

                fix = set_value(path, source, f'quote {source} as "{source}"')
        elif got == "string" and ("integer" in expected or "number" in expected) and re.fullmatch(
            r"[-+]?[0-9]+(\.[0-9]+)?", str(value)
        ):
            help = f"write the number without quotes: {value}"
        elif "list" in expected and got == "mapping":
            help = 'this field takes a list: start each item with "- "'
        elif "mapping" in expected and got == "list":
            help = 'this field takes a mapping of fields, not a list: remove the "- "'
        elif "mapping" in expected and got in ("string", "integer", "number", "boolean"):
            help = "this field takes nested fields (key: value pairs on the following lines), not a single value"
        elif "list" in expected and got in ("string", "integer", "number", "boolean"):
            help = 'this field takes a list; write the value as a list item: "- ..."'
        elif "integer" in expected and got in ("number", "string"):
            help = "use a whole number"
        message = f"{self._label(obj, path)}: expected {' or '.join(expected)}, got {got} {shown}{note}"
        return self._finding(core_rules.WRONG_TYPE, obj, path, message, help, fix=fix)

    def _bad_value(self, obj: K8sObject, path: tuple, err: Any) -> Finding:
        allowed = [v for v in err.validator_value if v is not None]
        shown = ", ".join(v if v else '""' for v in allowed)
        value = err.instance
        hint = did_you_mean(value, allowed) if isinstance(value, str) else None
        message = f"{self._label(obj, path)}: invalid value {_short(value)}; must be one of {shown}"
        help = hint or f"use one of {shown}"
        fix = None
        if isinstance(value, str):
            near = closest(value, [v for v in allowed if isinstance(v, str)], limit=2)
            if len(near) == 1:  # one value within two edits: the typo's only reading
                from k8slint.fixes import set_value

                fix = set_value(path, near[0], f'replace "{value}" with "{near[0]}"')
        return self._finding(core_rules.INVALID_VALUE, obj, path, message, help, fix=fix)
