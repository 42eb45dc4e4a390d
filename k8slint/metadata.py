"""The ObjectMeta nested inside built-in objects: pod templates, CronJob job templates,
StatefulSet volumeClaimTemplates and ephemeral volume claim templates.

The API server validates the labels and annotations of these templates like an object's own.
"""
from __future__ import annotations

from typing import Any, Iterator

# Subtrees not to walk: not Kubernetes objects but possibly with keys named like them (a CRD's
# schema, ConfigMap data), or large ones that hold no labels, selectors or templates (containers).
OPAQUE_KEYS = frozenset({
    "openAPIV3Schema", "schema", "data", "binaryData", "stringData", "status", "managedFields",
    "containers", "initContainers", "ephemeralContainers", "rules",
})


def nested_metadata(data: Any, path: tuple = ()) -> Iterator[tuple[tuple, dict[str, Any]]]:
    """(path, metadata) of every ObjectMeta inside a built-in object below its own metadata: pod
    templates, CronJob job templates, StatefulSet volumeClaimTemplates, ephemeral claim templates."""
    if isinstance(data, dict):
        for key, value in data.items():
            if not isinstance(key, str) or key in OPAQUE_KEYS:
                continue
            if key == "metadata":
                if path and isinstance(value, dict):
                    yield path + (key,), value
                continue
            if isinstance(value, (dict, list)):
                yield from nested_metadata(value, path + (key,))
    elif isinstance(data, list):
        for i, item in enumerate(data):
            if isinstance(item, (dict, list)):
                yield from nested_metadata(item, path + (i,))
