"""KL602: a label key or value (in labels, selectors or a nodeSelector) the API server rejects."""
from __future__ import annotations

from typing import Any, Iterator

from k8slint import naming
from k8slint.builtin import api_group, is_builtin
from k8slint.findings import Severity
from k8slint.metadata import OPAQUE_KEYS
from k8slint.rule import Report, Rule
from k8slint.workloads import as_dict, as_list

RULE = Rule(
    "KL602", "invalid-label", Severity.ERROR, "api-validation",
    "A label key or value, in labels, a selector or a nodeSelector, that the API server rejects.",
    why="The OpenAPI schema accepts any string in a label map, but the API server validates every "
    "label (ValidateLabels in k8s.io/apimachinery/pkg/apis/meta/v1/validation, called from "
    "ValidateObjectMetaAccessor for every object, from ValidatePodTemplateSpec for pod templates, "
    "ValidateLabelSelector for matchLabels and matchExpressions, and ValidateService, "
    "ValidateReplicationController and ValidatePodSpec for Service selectors, RC selectors and "
    "nodeSelector): a key is a qualified name, an optional DNS subdomain prefix and '/' then a "
    "name of at most 63 letters, digits, '-', '_' and '.' that starts and ends with a letter or "
    "digit (IsQualifiedName); a value is empty or at most 63 such characters (IsValidLabelValue). "
    "Spaces, ':' and '/' in values and values longer than 63 characters are the usual mistakes; "
    "text of that kind belongs in an annotation. Custom resources are checked only in their own "
    "metadata.labels, the part every object shares.",
    example="metadata:\n  labels:\n    app name: web\n    version: \"release 1.2\"\n",
    use_instead="metadata:\n  labels:\n    app-name: web\n    version: release-1.2\n",
)
KINDS = None  # every object has metadata.labels


def check(obj: Any, ctx: Any) -> Iterator[Report]:
    meta = obj.metadata
    yield from _label_map(meta.get("labels"), ("metadata", "labels"), "label")
    if not is_builtin(obj) or obj.kind == "CustomResourceDefinition":
        return
    for what, path, value in _walk(obj.data, ()):
        if what == "metadata":
            yield from _label_map(value.get("labels"), path + ("labels",), _describe_template(path))
        elif what == "matchLabels":
            yield from _label_map(value, path, "selector matchLabels")
        elif what == "nodeSelector":
            yield from _label_map(value, path, "nodeSelector")
        else:  # matchExpressions
            yield from _expressions(value, path)
    kind = obj.kind
    if (kind == "Service" and api_group(obj) == "") or kind == "ReplicationController":
        yield from _label_map(as_dict(obj.data.get("spec")).get("selector"), ("spec", "selector"), "selector")


def _walk(data: Any, path: tuple) -> Iterator[tuple[str, tuple, Any]]:
    """One pass over a built-in object: nested metadata, matchLabels, nodeSelector, matchExpressions."""
    if isinstance(data, dict):
        for key, value in data.items():
            if not isinstance(key, str) or key in OPAQUE_KEYS:
                continue
            if key == "metadata":
                if path and isinstance(value, dict):
                    yield key, path + (key,), value
            elif key in ("matchLabels", "nodeSelector"):
                if isinstance(value, dict):
                    yield key, path + (key,), value
            elif key == "matchExpressions":
                if isinstance(value, list):
                    yield key, path + (key,), value
            elif isinstance(value, (dict, list)):
                yield from _walk(value, path + (key,))
    elif isinstance(data, list):
        for i, item in enumerate(data):
            if isinstance(item, (dict, list)):
                yield from _walk(item, path + (i,))


def _describe_template(path: tuple) -> str:
    if "volumeClaimTemplates" in path or "volumeClaimTemplate" in path:
        return "claim template label"
    if path[-2:-1] == ("jobTemplate",):
        return "job template label"
    return "pod template label"


def _label_map(labels: Any, path: tuple, what: str) -> Iterator[Report]:
    if not isinstance(labels, dict):
        return
    for key, value in labels.items():
        if not isinstance(key, str):
            continue
        problems = naming.qualified_name(key)
        if problems:
            fixed = naming.fix_qualified_name(key)
            yield Report(
                path + (key,),
                f'{what} key "{key}" is invalid: ' + "; ".join(problems),
                f'rename it to "{fixed}"' if fixed else
                "a label key is an optional DNS subdomain and '/', then a name of letters, digits, '-', '_' and '.'",
                key=True,
            )
        if isinstance(value, str):
            yield from _value(value, path + (key,), f'{what} "{key}"')


def _expressions(expressions: list[Any], path: tuple) -> Iterator[Report]:
    for i, expr in enumerate(expressions):
        expr = as_dict(expr)
        key = expr.get("key")
        if not isinstance(key, str):
            continue  # scopeSelector items have scopeName, not key; a missing key is KL013
        problems = naming.qualified_name(key)
        if problems:
            fixed = naming.fix_qualified_name(key)
            yield Report(
                path + (i, "key"),
                f'matchExpressions key "{key}" is not a valid label key: ' + "; ".join(problems),
                f'use "{fixed}"' if fixed else "a label key is an optional DNS subdomain and '/', then a name",
            )
        for j, value in enumerate(as_list(expr.get("values"))):
            if isinstance(value, str):
                yield from _value(value, path + (i, "values", j), f'matchExpressions "{key}"')


def _value(value: str, path: tuple, what: str) -> Iterator[Report]:
    problems = naming.label_value(value)
    if not problems:
        return
    fixed = naming.fix_label_value(value)
    if fixed is not None:
        help = f'use "{fixed}"'
    else:
        help = "a label value is at most 63 letters, digits, '-', '_' and '.'"
    if len(value) > naming.LABEL_VALUE_MAX or value.count(" ") >= 2 or "://" in value:
        help += "; longer text belongs in an annotation"
    yield Report(path, f'{what} has an invalid value "{value}": ' + "; ".join(problems), help)

