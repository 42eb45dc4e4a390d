"""Documents → Kubernetes objects.

A document is an object when it has both ``apiVersion`` and ``kind``; with neither it is not
a Kubernetes document (kustomization.yaml, Helm values, CI files) and is skipped; with only
one of them it is an error. ``kind: List`` (and any ``*List`` kind with ``items``) is expanded
into its items, which are located inside the document.
"""
from __future__ import annotations

from typing import Any, Callable, Optional

import k8slint.yaml_package  # noqa: F401 (first: ruamel.yaml without its package's __init__)
from ruamel.yaml.nodes import Node

from k8slint import core_rules
from k8slint.findings import ObjectRef
from k8slint.loader import Document
from k8slint.locate import PathElem, find_node, format_path


class K8sObject:
    __slots__ = (
        "file", "file_index", "doc", "node", "data", "prefix", "partial", "checked", "doc_index",
        "name", "namespace", "templates", "doc_start", "relocate", "kind",
    )

    def __init__(
        self, file: str, file_index: int, doc: Document, node: Node, data: dict[str, Any],
        prefix: tuple[PathElem, ...] = (), partial: bool = False, checked: bool = True,
    ):
        self.file = file
        self.file_index = file_index
        self.doc: Optional[Document] = doc
        # The object's own mapping node (a List item's node for List items); None once released.
        self.node: Optional[Node] = node
        self.data = data
        self.prefix = prefix  # where the object sits in its document ('items', 3)
        self.partial = partial  # a kustomize patch: fields it leaves out are not reported
        self.checked = checked  # False for objects read only as context for cross-object rules
        # Which document of the file; the nodes are released once the file is checked (see
        # run.py) and composed again only for the few objects that get cross-object findings.
        self.doc_index = doc.index
        self.kind: Any = data.get("kind")  # read for every object by every rule: kept, not looked up
        self.doc_start: int = doc.root.start_mark.index  # where the document's root starts in the text
        # Set by a parallel or cached run on released nodes that may be needed later (custom
        # resources): composes the object's document again on first use (see ``located``).
        self.relocate: Optional[Callable[[K8sObject], Optional[Node]]] = None
        self._identify()
        self.templates: dict[str, Any] = {}  # see workloads.pod_template

    def _identify(self) -> None:
        meta = self.data.get("metadata")
        meta = meta if isinstance(meta, dict) else {}
        name = meta.get("name") or meta.get("generateName")
        self.name: Optional[str] = name if isinstance(name, str) else None
        namespace = meta.get("namespace")
        self.namespace: Optional[str] = namespace if isinstance(namespace, str) else None

    @classmethod
    def restored(
        cls, file: str, file_index: int, data: dict[str, Any], prefix: tuple[PathElem, ...], partial: bool,
        checked: bool, doc_index: int, doc_start: int,
    ) -> K8sObject:
        """An object as checked before, without its nodes (kept by k8slint.snapshot_store)."""
        obj = cls.__new__(cls)
        obj.file, obj.file_index, obj.data, obj.prefix, obj.partial, obj.checked = (
            file, file_index, data, prefix, partial, checked)
        obj.doc_index, obj.doc_start, obj.kind = doc_index, doc_start, data.get("kind")
        obj.doc = obj.node = obj.relocate = None
        obj._identify()
        obj.templates = {}
        return obj

    def located(self) -> Optional[Node]:
        """The object's node, composed again from its file's text if it was released."""
        if self.node is None and self.relocate is not None:
            self.node = self.relocate(self)
            self.relocate = None
        return self.node

    @property
    def api_version(self) -> Any:
        return self.data.get("apiVersion")

    @property
    def metadata(self) -> dict[str, Any]:
        meta = self.data.get("metadata")
        return meta if isinstance(meta, dict) else {}

    def ref(self) -> ObjectRef:
        av, kind = self.api_version, self.kind
        return ObjectRef(
            av if isinstance(av, str) else None,
            kind if isinstance(kind, str) else None,
            self.namespace,
            self.name,
        )


class Identified:
    __slots__ = ("objects", "skipped", "problems")

    def __init__(self) -> None:
        self.objects: list[K8sObject] = []
        self.skipped = 0
        # (rule, message, help, node, path, object) for documents that are not valid objects
        self.problems: list[tuple[Any, str, Optional[str], Node, Optional[str], Optional[ObjectRef]]] = []


# Files that are never Kubernetes objects, whatever they contain (Helm chart metadata).
NOT_MANIFEST_NAMES = frozenset({"Chart.yaml", "Chart.yml", "requirements.yaml", "requirements.yml"})
# apiVersions of tool configuration that looks like an object but is never applied to a
# cluster: kustomizations, kustomize components and kustomize's builtin transformer configs.
TOOL_CONFIG_GROUPS = frozenset({"kustomize.config.k8s.io", "builtin"})


def is_tool_config(api_version: Any) -> bool:
    if not isinstance(api_version, str):
        return False
    return api_version == "builtin" or api_version.rpartition("/")[0] in TOOL_CONFIG_GROUPS


def _present(value: Any) -> bool:
    return value is not None and value != ""


def identify(doc: Document, file: str, file_index: int, partial: bool = False) -> Identified:
    out = Identified()
    if doc.data is None:
        return out
    _identify(doc, doc.root, doc.data, (), file, file_index, partial, out)
    return out


def _identify(
    doc: Document, node: Node, data: Any, prefix: tuple[PathElem, ...], file: str, file_index: int,
    partial: bool, out: Identified,
) -> None:
    if not isinstance(data, dict):
        out.skipped += 1
        return
    if "apiVersion" not in data and "kind" not in data:
        if prefix:  # a List item must be an object
            out.problems.append((
                core_rules.MISSING_TYPE_META, "list item has no apiVersion and no kind",
                "every item of a List must be a complete Kubernetes object", node, format_path(prefix), None,
            ))
        else:
            out.skipped += 1
        return
    if not prefix and is_tool_config(data.get("apiVersion")):
        out.skipped += 1
        return
    obj = K8sObject(file, file_index, doc, node, data, prefix, partial)
    missing = [k for k in ("apiVersion", "kind") if not _present(data.get(k))]
    if missing:
        if not partial:
            out.problems.append((
                core_rules.MISSING_TYPE_META, _type_meta_message(data, missing),
                _type_meta_help(missing), _type_meta_node(node, data), format_path(prefix) or None, obj.ref(),
            ))
        return
    kind = data.get("kind")
    items = data.get("items")
    if isinstance(kind, str) and kind.endswith("List") and isinstance(items, list):
        items_node, depth = find_node(node, ("items",))
        for i, item in enumerate(items):
            item_node = items_node.value[i] if depth == 1 and i < len(items_node.value) else items_node
            _identify(doc, item_node, item, prefix + ("items", i), file, file_index, partial, out)
        return
    out.objects.append(obj)


def _type_meta_message(data: dict[str, Any], missing: list[str]) -> str:
    parts = [f"an empty {k}" if k in data else f"no {k}" for k in missing]
    present = [k for k in ("apiVersion", "kind") if k not in missing]
    if present:
        article = "an" if present[0] == "apiVersion" else "a"
        return f"document has {article} {present[0]} but {parts[0]}"
    return "document has " + " and ".join(parts)


def _type_meta_node(node: Node, data: dict[str, Any]) -> Node:
    for key in ("kind", "apiVersion"):
        if key in data:
            return find_node(node, (key,), want_key=True)[0]
    return node


def _type_meta_help(missing: list[str]) -> str:
    if missing == ["kind"]:
        return 'add the kind of object this document describes, e.g. "kind: Deployment"'
    if missing == ["apiVersion"]:
        return 'add the apiVersion of this kind, e.g. "apiVersion: v1" for a Service or "apps/v1" for a Deployment'
    return 'every Kubernetes object needs both, e.g. "apiVersion: apps/v1" and "kind: Deployment"'
