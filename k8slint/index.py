"""Every object of the lint set and its context, looked up the ways cross-object rules need:
by kind, namespace and name, and pod templates by the labels a selector asks for.

Lookups are dictionaries (label pairs → pod templates, kind and namespace → names), so that
cross-object rules stay linear in the number of objects.
"""
from __future__ import annotations

import os
from collections import defaultdict
from typing import Any, Callable, Iterable, Iterator, Optional

from k8slint.objects import K8sObject
from k8slint.selectors import label_selector_matches
from k8slint.workloads import PodTemplate, namespace_of, pod_template


class Index:
    def __init__(
        self, objects: Iterable[K8sObject], default_namespace: str = "default",
        lost_folders: Iterable[str] = (),
        generated: Optional[dict[str, frozenset[tuple[str, str]]]] = None,
        reach: Optional[frozenset[str]] = None,
    ):
        self.default_namespace = default_namespace
        # Folders with documents that could not be read (syntax errors, Helm templates): the
        # objects a reference points at may be among them (see may_miss).
        self.lost_folders = frozenset(lost_folders)
        # Folder (real path) → (kind, name) of the ConfigMaps and Secrets that kustomize
        # generators make for the objects of that folder (see generated_objects).
        self.generated = generated or {}
        # The files whose objects are reported on, when not all (a warm run's rerun of the rules
        # that read labels through selectors: see run_snapshot.reached): checked() and
        # checked_templates() give only theirs, and Engine.index_findings keeps only reports on
        # them. Every object is still looked up.
        self.reach = reach
        self.objects: list[K8sObject] = []
        self._by_kind: dict[str, list[K8sObject]] = defaultdict(list)
        self._by_key: dict[tuple, list[K8sObject]] = defaultdict(list)
        self._names: dict[tuple[str, Optional[str]], list[str]] = defaultdict(list)
        self._by_name: dict[tuple[str, str], list[K8sObject]] = defaultdict(list)
        self._templates: dict[Optional[str], list[PodTemplate]] = defaultdict(list)
        # (namespace, label key, label value) → positions in _templates[namespace]
        self._by_label: dict[tuple, list[int]] = defaultdict(list)
        self._by_label_key: dict[tuple, list[int]] = defaultdict(list)
        self._memo: dict[Any, Any] = {}
        # id(object) → its pod template, or None: what add() found, asked again by many rules
        self._template_of: dict[int, Optional[PodTemplate]] = {}
        self._folders: dict[str, str] = {}  # file → its absolute folder (see folder)
        self._checked_kinds: Optional[set[Any]] = None  # see has_checked
        self._checked_templates: Optional[list[tuple[K8sObject, Optional[str], PodTemplate]]] = None
        for obj in objects:
            self.add(obj)

    def add(self, obj: K8sObject) -> None:
        kind = obj.kind
        if not isinstance(kind, str) or obj.partial:
            return  # patches are not objects of their own
        self.objects.append(obj)
        self._by_kind[kind].append(obj)
        namespace = self.namespace(obj)
        name = obj.name
        if name:
            key = (kind, namespace, name)
            if key not in self._by_key:
                self._names[(kind, namespace)].append(name)
            self._by_key[key].append(obj)
            self._by_name[(kind, name)].append(obj)
        template = self._template_of[id(obj)] = pod_template(obj, namespace or self.default_namespace)
        self._checked_templates = self._checked_kinds = None
        if template is not None:
            templates = self._templates[namespace]
            position = len(templates)
            templates.append(template)
            for label, value in template.labels.items():
                self._by_label[(namespace, label, value)].append(position)
                self._by_label_key[(namespace, label)].append(position)

    def memo(self, key: Any, compute: Callable[[], Any]) -> Any:
        """A value computed once per run (the index lives as long as the run), e.g. the ports
        of a pod template that many Services select."""
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    # -- objects ---------------------------------------------------------------------------
    def may_miss(self, obj: K8sObject) -> bool:
        """Whether documents beside ``obj`` could not be read, so that something it refers to
        may exist unseen. Rules that report a missing object stay quiet then, rather than
        cascading from a syntax error or a skipped template."""
        return bool(self.lost_folders) and os.path.dirname(obj.file) in self.lost_folders

    def folder(self, obj: K8sObject) -> str:
        """The absolute folder of the object's file (what is applied together), found once a file."""
        folders = self._folders
        folder = folders.get(obj.file)
        if folder is None:
            folder = folders[obj.file] = os.path.dirname(os.path.abspath(obj.file))
        return folder

    def generated_objects(self, obj: K8sObject) -> frozenset[tuple[str, str]]:
        """(kind, name) of the objects that the generators of the kustomization building ``obj``
        make (configMapGenerator, secretGenerator): they are in no file, but kustomize rewrites
        references to them, so a reference to one of them is not missing."""
        if not self.generated:
            return frozenset()
        return self.generated.get(os.path.dirname(os.path.realpath(obj.file)), frozenset())

    def namespace(self, obj: K8sObject) -> Optional[str]:
        return namespace_of(obj, self.default_namespace)

    def has_checked(self, kinds: Iterable[str]) -> bool:
        """Whether a checked object (one findings may be reported on) is of one of these kinds."""
        if self._checked_kinds is None:
            self._checked_kinds = {obj.kind for obj in self.objects if obj.checked}
        return not self._checked_kinds.isdisjoint(kinds)

    def of_kind(self, *kinds: str) -> list[K8sObject]:
        out: list[K8sObject] = []
        for kind in kinds:
            out.extend(self._by_kind.get(kind, ()))
        return out

    def checked(self, *kinds: str) -> list[K8sObject]:
        """Objects of these kinds from the checked files (the ones findings may be reported on)."""
        reach = self.reach
        if reach is not None:
            return [obj for obj in self.of_kind(*kinds) if obj.checked and obj.file in reach]
        return [obj for obj in self.of_kind(*kinds) if obj.checked]

    def reported(self, obj: K8sObject) -> bool:
        """Whether findings are reported on the object: it is checked (and in ``reach``)."""
        return obj.checked and (self.reach is None or obj.file in self.reach)

    def get(self, kind: str, namespace: Optional[str], name: str) -> list[K8sObject]:
        return self._by_key.get((kind, namespace, name), [])

    def find(self, kinds: Iterable[str], namespace: Optional[str], name: str) -> list[K8sObject]:
        out: list[K8sObject] = []
        for kind in kinds:
            out.extend(self._by_key.get((kind, namespace, name), ()))
        return out

    def names(self, kind: str, namespace: Optional[str]) -> list[str]:
        """Names of the objects of a kind in a namespace (candidates for a did-you-mean)."""
        return self._names.get((kind, namespace), [])

    def namespaces_of(self, kind: str, name: str) -> list[Optional[str]]:
        """The namespaces in which an object of this kind and name exists."""
        found = {self.namespace(obj) for obj in self._by_name.get((kind, name), ())}
        return sorted(found, key=lambda ns: ns or "")

    def keys(self) -> dict[tuple, list[K8sObject]]:
        return self._by_key

    # -- pod templates ---------------------------------------------------------------------
    def template_of(self, obj: K8sObject) -> Optional[PodTemplate]:
        """The object's pod template in its namespace (None for kinds without one)."""
        try:
            return self._template_of[id(obj)]
        except KeyError:  # an object that is not in the index
            return pod_template(obj, self.namespace(obj) or self.default_namespace)

    def checked_templates(self) -> Iterator[tuple[K8sObject, Optional[str], PodTemplate]]:
        """(object, namespace, pod template) for every checked object that has a pod template.
        Found once a run: seven rules walk them."""
        if self._checked_templates is None:
            self._checked_templates = [
                (obj, self.namespace(obj), template) for obj in self.objects
                if self.reported(obj) for template in (self._template_of[id(obj)],) if template is not None
            ]
        return iter(self._checked_templates)

    def templates(self, namespace: Optional[str]) -> list[PodTemplate]:
        """Pod templates (of workloads and Pods) in a namespace."""
        return self._templates.get(namespace, [])

    def template_namespaces(self) -> list[Optional[str]]:
        """The namespaces that have pod templates (sorted)."""
        return sorted((ns for ns, found in self._templates.items() if found), key=lambda ns: ns or "")

    def select(self, namespace: Optional[str], selector: dict[str, Any]) -> list[PodTemplate]:
        """Pod templates whose labels contain every pair of a map selector (Services)."""
        # KL301 and KL303 ask it for every Service, and copies of a Service ask the same.
        return self._per_selector("select", namespace, selector, lambda: self._select(namespace, selector))

    def _select(self, namespace: Optional[str], selector: dict[str, Any]) -> list[PodTemplate]:
        templates = self._templates.get(namespace, [])
        if not selector:
            return list(templates)
        positions: Optional[set[int]] = None
        for label, value in selector.items():
            found = self._by_label.get((namespace, label, value))
            if not found:
                return []
            positions = set(found) if positions is None else positions & set(found)
            if not positions:
                return []
        return [templates[i] for i in sorted(positions or ())]

    def select_labels(self, namespace: Optional[str], selector: Any) -> list[PodTemplate]:
        """Pod templates a LabelSelector (matchLabels + matchExpressions) matches."""
        # Copies of one policy (per environment, per folder) ask the same.
        return self._per_selector(
            "select_labels", namespace, selector, lambda: self._select_labels(namespace, selector),
        )

    def _per_selector(
        self, name: str, namespace: Optional[str], selector: Any, compute: Callable[[], list],
    ) -> list:
        """``compute()``, answered once a run per namespace and selector (a copy of the list)."""
        try:
            key = (name, namespace, _frozen(selector))
            hash(key)
        except TypeError:  # a value no selector has (the schema check reports it)
            return compute()
        return list(self.memo(key, compute))

    def _select_labels(self, namespace: Optional[str], selector: Any) -> list[PodTemplate]:
        match_labels = selector.get("matchLabels") if isinstance(selector, dict) else None
        candidates = self.select(namespace, match_labels) if isinstance(match_labels, dict) else self.templates(namespace)
        return [t for t in candidates if label_selector_matches(selector, t.labels)]

    def sharing_keys(self, namespace: Optional[str], keys: Iterable[str]) -> list[PodTemplate]:
        """Pod templates that have at least one of these label keys (did-you-mean candidates)."""
        templates = self._templates.get(namespace, [])
        positions: set[int] = set()
        for key in keys:
            positions.update(self._by_label_key.get((namespace, key), ()))
        return [templates[i] for i in sorted(positions)]


def _frozen(value: Any) -> Any:
    """A hashable copy of YAML data (mappings in their order), for memo keys."""
    if isinstance(value, dict):
        return ("{", tuple((k, _frozen(v)) for k, v in value.items()))
    if isinstance(value, list):
        return ("[", tuple(_frozen(v) for v in value))
    return (value.__class__.__name__, value)  # true and 1 are equal keys, but not equal labels
