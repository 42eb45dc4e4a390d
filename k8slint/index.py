"""Every object of the lint set and its context, looked up the ways cross-object rules need:
by kind, namespace and name, and by pod template (with its owner and labels)."""
from __future__ import annotations

import os
from collections import defaultdict
from typing import Iterable, Optional

from k8slint.objects import K8sObject
from k8slint.workloads import PodTemplate, namespace_of, pod_template


class Index:
    def __init__(
        self, objects: Iterable[K8sObject], default_namespace: str = "default",
        lost_folders: Iterable[str] = (),
    ):
        self.default_namespace = default_namespace
        # Folders with documents that could not be read (syntax errors, Helm templates): the
        # objects a reference points at may be among them (see may_miss).
        self.lost_folders = frozenset(lost_folders)
        self.objects: list[K8sObject] = []
        self._by_kind: dict[str, list[K8sObject]] = defaultdict(list)
        self._by_key: dict[tuple, list[K8sObject]] = defaultdict(list)
        self._templates: dict[Optional[str], list[PodTemplate]] = defaultdict(list)
        for obj in objects:
            self.add(obj)

    def add(self, obj: K8sObject) -> None:
        kind = obj.kind
        if not isinstance(kind, str) or obj.partial:
            return  # patches are not objects of their own
        self.objects.append(obj)
        self._by_kind[kind].append(obj)
        namespace = self.namespace(obj)
        if obj.name:
            self._by_key[(kind, namespace, obj.name)].append(obj)
        template = pod_template(obj, namespace or self.default_namespace)
        if template is not None:
            self._templates[namespace].append(template)

    def may_miss(self, obj: K8sObject) -> bool:
        """Whether documents beside ``obj`` could not be read, so that something it refers to
        may exist unseen. Rules that report a missing object stay quiet then, rather than
        cascading from a syntax error or a skipped template."""
        return os.path.dirname(obj.file) in self.lost_folders

    def namespace(self, obj: K8sObject) -> Optional[str]:
        return namespace_of(obj, self.default_namespace)

    def of_kind(self, *kinds: str) -> list[K8sObject]:
        out: list[K8sObject] = []
        for kind in kinds:
            out.extend(self._by_kind.get(kind, ()))
        return out

    def checked(self, *kinds: str) -> list[K8sObject]:
        """Objects of these kinds from the checked files (the ones findings may be reported on)."""
        return [obj for obj in self.of_kind(*kinds) if obj.checked]

    def get(self, kind: str, namespace: Optional[str], name: str) -> list[K8sObject]:
        return self._by_key.get((kind, namespace, name), [])

    def find(self, kinds: Iterable[str], namespace: Optional[str], name: str) -> list[K8sObject]:
        out: list[K8sObject] = []
        for kind in kinds:
            out.extend(self._by_key.get((kind, namespace, name), ()))
        return out

    def templates(self, namespace: Optional[str]) -> list[PodTemplate]:
        """Pod templates (of workloads and Pods) in a namespace."""
        return self._templates.get(namespace, [])

    def keys(self) -> dict[tuple, list[K8sObject]]:
        return self._by_key
