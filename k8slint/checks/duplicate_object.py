"""KL501: the same object (kind, namespace, name) defined twice in one folder."""
from __future__ import annotations

import os
from collections import defaultdict
from typing import Any, Iterator, Optional

from k8slint.findings import Severity
from k8slint.locate import format_path
from k8slint.rule import Report, Rule

# Its help says whether the copies are identical: that compares whole objects, image and
# resources included, so an edit of those changes its findings (see k8slint.run_snapshot).
READS_WHOLE_OBJECTS = True

RULE = Rule(
    "KL501", "duplicate-object", Severity.ERROR, "duplicates",
    "The same object (kind, namespace and name) is defined twice in one folder.",
    why="`kubectl apply -f FOLDER` applies every file of the folder, one after the other: an "
    "object defined twice is applied twice and the copy applied last silently replaces the other, "
    "so the cluster never runs what one of the two files says. Only copies in the same folder "
    "count: kustomize bases and overlays, or per-environment folders, legitimately repeat names. "
    "Objects are the same when their API group, kind, namespace (the default namespace when "
    "unset, none for cluster-scoped kinds) and metadata.name agree; the version does not matter "
    "(apps/v1 and apps/v1beta1 Deployments are one object in the cluster). List items count; "
    "kustomize patches and objects with only a generateName do not. Each copy is reported, "
    "naming the other by file and document number (1 for the first document of a file): as an "
    "error when a copy is in the same file (applying that file always applies both), as a "
    "warning when the copies are only in the same folder (a mistake when the folder is applied "
    "as a whole, but example folders often hold alternative files, such as an all-in-one file "
    "beside the split files).",
    example="kind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 2\n---\n"
    "kind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 4\n",
    use_instead="kind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 4\n",
)
# Kinds that moved out of the extensions group: the same objects under their new group.
MOVED = {
    ("extensions", "Deployment"): "apps", ("extensions", "DaemonSet"): "apps",
    ("extensions", "ReplicaSet"): "apps", ("extensions", "Ingress"): "networking.k8s.io",
    ("extensions", "NetworkPolicy"): "networking.k8s.io", ("extensions", "PodSecurityPolicy"): "policy",
}


def check_index(index: Any, ctx: Any) -> Iterator[Report]:
    # Copies share kind, namespace, name and folder: only the few objects that share them with
    # another one (the index has them grouped by kind, namespace and name) are looked at further.
    shared = {id(obj) for same in index.keys().values() if len(same) > 1 for obj in _same_folder(same, index)}
    if not shared:
        return
    groups: dict[tuple, list[Any]] = defaultdict(list)
    for obj in index.objects:
        if id(obj) not in shared:
            continue
        key = _key(obj, index)
        if key is not None:
            groups[key].append(obj)
    for key, copies in groups.items():
        if len(copies) < 2:
            continue
        for obj in copies:
            if not obj.checked:
                continue
            others = [o for o in copies if o is not obj]
            namespace = key[2]
            who = f"{obj.kind} {namespace}/{key[3]}" if namespace is not None else f"{obj.kind} {key[3]}"
            places = _places(others, obj)
            message = f"{who} is also defined in " + _join(places)
            # In one file the copies are always applied together: certainly a mistake. Across
            # files only when the whole folder is applied, which example and variant folders
            # (an all-in-one file beside the split files, per-cloud alternatives) never mean.
            same_file = any(o.file == obj.file for o in others)
            yield Report(
                ("metadata", "name"), message, _help(obj, others, namespace, same_file), obj=obj,
                severity=None if same_file else Severity.WARNING,
            )


def _same_folder(objects: list[Any], index: Any) -> list[Any]:
    """The objects that are in the folder of another one."""
    by_folder: dict[str, list[Any]] = defaultdict(list)
    for obj in objects:
        by_folder[index.folder(obj)].append(obj)
    return [obj for same in by_folder.values() if len(same) > 1 for obj in same]


def _key(obj: Any, index: Any) -> Optional[tuple]:
    name = obj.metadata.get("name")  # not generateName: each of those gets a new name
    api_version = obj.api_version
    if not isinstance(name, str) or not name or not isinstance(api_version, str):
        return None
    group = api_version.rpartition("/")[0]
    group = MOVED.get((group, obj.kind), group)
    return group, obj.kind, index.namespace(obj), name, index.folder(obj)


def _places(others: list[Any], obj: Any) -> list[str]:
    """'this file (documents 2 and 4)', 'web-2.yaml (document 1)': this file first, at most
    three files."""
    by_file: dict[str, list[Any]] = {}
    for other in sorted(others, key=lambda o: (o.file != obj.file, o.file, o.doc_index)):
        by_file.setdefault(other.file, []).append(other)
    places = []
    for file, copies in list(by_file.items())[:3]:
        name = "this file" if file == obj.file else os.path.basename(file)
        if any(c.prefix for c in copies):  # List items: "items[0] of document 3"
            where = _join([
                f"{format_path(tuple(c.prefix))} of document {c.doc_index + 1}" if c.prefix
                else f"document {c.doc_index + 1}" for c in copies
            ])
        else:
            numbers = _join([str(c.doc_index + 1) for c in copies])
            where = f"{'document' if len(copies) == 1 else 'documents'} {numbers}"
        places.append(f"{name} ({where})")
    if len(by_file) > 3:
        rest = len(by_file) - 3
        places.append(f"{rest} more file{'s' if rest > 1 else ''}")
    return places


def _join(parts: list[str]) -> str:
    if len(parts) == 1:
        return parts[0]
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def _help(obj: Any, others: list[Any], namespace: Optional[str], same_file: bool) -> str:
    if all(o.data == obj.data for o in others):
        help = "the copies are identical: remove all but one"
    else:
        help = (
            "the copies differ, and the one applied last silently replaces the other: keep one, or "
            "give the others their own names"
        )
    if namespace is not None and any(o.namespace != obj.namespace for o in others):
        help += f" (a copy without metadata.namespace is in the default namespace, {namespace})"
    if not same_file:
        help += "; if the files are alternatives, not meant to be applied together, put them in folders of their own"
    return help
