"""KL603: an annotation key the API server rejects, or annotations over its 256 KiB limit."""
from __future__ import annotations

from typing import Any, Iterator

from k8slint import naming
from k8slint.builtin import is_builtin
from k8slint.findings import Severity
from k8slint.metadata import nested_metadata
from k8slint.rule import Report, Rule

RULE = Rule(
    "KL603", "invalid-annotation", Severity.ERROR, "api-validation",
    "An annotation key that is not a qualified name, or annotations larger than the API server's 256 KiB limit.",
    why="The OpenAPI schema accepts any annotations, but the API server's ValidateAnnotations "
    "(k8s.io/apimachinery/pkg/api/validation/objectmeta.go, called for every object and pod "
    "template) requires each key to be a qualified name once lowercased (an optional DNS "
    "subdomain prefix and '/', then at most 63 letters, digits, '-', '_' and '.'), and the keys "
    "and values of one object's annotations to add up to at most TotalAnnotationSizeLimitB = "
    "262144 bytes. Values are free text (JSON is fine). A warning also marks objects that fit "
    "but are too large for client-side `kubectl apply`, which copies the whole object into the "
    "kubectl.kubernetes.io/last-applied-configuration annotation (the classic \"metadata.annotations: "
    "Too long: must have at most 262144 bytes\" of large CustomResourceDefinitions and ConfigMaps); "
    "`kubectl apply --server-side` keeps no such copy.",
    example="metadata:\n  annotations:\n    team owner: payments\n",
    use_instead="metadata:\n  annotations:\n    team-owner: payments\n",
)
KINDS = None  # every object has metadata.annotations

TOTAL_ANNOTATION_SIZE_LIMIT = 256 * (1 << 10)  # TotalAnnotationSizeLimitB: 262144 bytes
LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"


def check(obj: Any, ctx: Any) -> Iterator[Report]:
    namespace = ctx.namespace(obj)
    where = f"{obj.kind} {namespace + '/' if namespace else ''}{obj.name or '<unnamed>'}"
    annotations = obj.metadata.get("annotations")
    yield from _annotations(annotations, ("metadata", "annotations"), where)
    if not obj.partial:
        yield from _last_applied(obj, annotations, where)
    if not is_builtin(obj) or obj.kind == "CustomResourceDefinition":
        return
    for path, meta in nested_metadata(obj.data):
        yield from _annotations(meta.get("annotations"), path + ("annotations",), f"the {_template(path)} of {where}")


def annotations_size(annotations: Any) -> int:
    """The bytes the API server counts: every key and string value, UTF-8 encoded."""
    if not isinstance(annotations, dict):
        return 0
    total = 0
    for key, value in annotations.items():
        if isinstance(key, str):
            total += len(key.encode("utf-8"))
        if isinstance(value, str):
            total += len(value.encode("utf-8"))
    return total


def _annotations(annotations: Any, path: tuple, where: str) -> Iterator[Report]:
    if not isinstance(annotations, dict):
        return
    for key in annotations:
        if not isinstance(key, str):
            continue
        problems = naming.qualified_name(key.lower())  # "case doesn't matter" (ValidateAnnotations)
        if problems:
            fixed = naming.fix_qualified_name(key)
            yield Report(
                path + (key,),
                f'annotation key "{key}" is invalid: ' + "; ".join(problems),
                f'rename it to "{fixed}"' if fixed else
                "an annotation key is an optional DNS subdomain and '/', then a name of letters, digits, '-', '_' and '.'",
                key=True,
            )
    size = annotations_size(annotations)
    if size > TOTAL_ANNOTATION_SIZE_LIMIT:
        yield Report(
            path,
            f"the annotations of {where} add up to {size} bytes (keys and values), over the API server's "
            f"limit of {TOTAL_ANNOTATION_SIZE_LIMIT} bytes (256 KiB)",
            "move large content into a ConfigMap or Secret and refer to it, or shorten the annotations",
            key=True,
        )


def _last_applied(obj: Any, annotations: Any, where: str) -> Iterator[Report]:
    """Client-side `kubectl apply` adds the object's JSON as an annotation: warn when that breaks."""
    if isinstance(annotations, dict) and LAST_APPLIED in annotations:
        return  # already there, and counted above
    size = annotations_size(annotations)
    if size > TOTAL_ANNOTATION_SIZE_LIMIT:
        return  # reported as an error already
    node = obj.node
    if node is not None:
        source = node.end_mark.index - node.start_mark.index
        if (size + source) * 3 < TOTAL_ANNOTATION_SIZE_LIMIT:
            return  # far too small: spare the serialisation
    import json  # only objects that may be that large

    encoded = json.dumps(obj.data, separators=(",", ":"), ensure_ascii=False, default=str).encode("utf-8")
    total = size + len(LAST_APPLIED) + len(encoded) + 1  # kubectl stores the JSON and a newline
    if total <= TOTAL_ANNOTATION_SIZE_LIMIT:
        return
    yield Report(
        ("metadata", "annotations") if isinstance(annotations, dict) else ("metadata",),
        f"{where} is {len(encoded)} bytes as JSON: client-side kubectl apply copies it into the "
        f"{LAST_APPLIED} annotation, and the annotations would add up to about {total} bytes, over the "
        f"API server's limit of {TOTAL_ANNOTATION_SIZE_LIMIT}",
        "apply it with kubectl apply --server-side (or kubectl create / replace), which keeps no such copy",
        key=True, severity=Severity.WARNING,
    )


def _template(path: tuple) -> str:
    if "volumeClaimTemplates" in path or "volumeClaimTemplate" in path:
        return "claim template"
    return "job template" if path[-2:-1] == ("jobTemplate",) else "pod template"
