"""KL703: a pod that reads a key that its ConfigMap or Secret does not have."""
from __future__ import annotations

import os
from typing import Any, Iterator, Optional

from k8slint.checks._references import Use, checked_uses, defined_keys, generated
from k8slint.findings import Severity
from k8slint.named_tuple import NamedTuple
from k8slint.rule import Report, Rule
from k8slint.suggest import did_you_mean
from k8slint.workloads import POD_KINDS

RULE = Rule(
    "KL703", "missing-configmap-key", Severity.ERROR, "references",
    "A pod reads a key (configMapKeyRef, secretKeyRef, volume items) that its ConfigMap or Secret "
    "does not define.",
    why="The API server accepts a key that the ConfigMap or Secret does not have; the kubelet then "
    "cannot start the pod. For an env var it fails with CreateContainerConfigError (kubelet "
    "makeEnvironmentVariables: \"couldn't find key X in ConfigMap ns/name\"); for a volume's "
    "items it fails to mount it and the pod stays in ContainerCreating (\"references "
    "non-existent config key\"). An env var reads only a ConfigMap's `data`, not its "
    "`binaryData` (volumes read both); a Secret's keys are those of `data` and `stringData`. "
    "Only ConfigMaps and Secrets defined in the checked files or the context are looked at "
    "(KL701 and KL702 report missing ones); one that defines no key at all is taken for a "
    "placeholder filled in later and is skipped, as are references marked `optional: true` and "
    "objects that a kustomize generator also makes (it may merge keys into them). "
    "Like kube-linter's env-value-from, which checks env vars only.",
    example="kind: ConfigMap\nmetadata:\n  name: web-config\ndata:\n  log-level: info\n---\n"
    "kind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n"
    "          env:\n            - name: LOG_LEVEL\n              valueFrom:\n"
    "                configMapKeyRef: {name: web-config, key: loglevel}\n",
    use_instead="                configMapKeyRef: {name: web-config, key: log-level}\n",
)
# It reports on objects with pods: without a checked one, the rule is not even imported.
KINDS = POD_KINDS
# It reads no label, only the references of pod templates and the keys of ConfigMaps and Secrets: a
# warm run whose edits changed only labels keeps its findings (see k8slint.run_snapshot).
READS_LABELS = False
# It reads neither ports nor replicas (facts a warm run keeps apart, see
# k8slint.run_snapshot.PARTS): an edit of only those does not run it again.
READS_FACTS: frozenset[str] = frozenset()

_LISTED = 6  # list the object's keys in the help when it has at most this many


class _Defined(NamedTuple):
    """What the ConfigMaps (or Secrets) of one name in a namespace define, together."""

    known: list  # (object, its Keys) for each of them
    env: frozenset  # keys an env var can read
    volume: frozenset  # keys a volume can read (binaryData too)
    binary: frozenset  # keys of binaryData


def check_index(index: Any, ctx: Any) -> Iterator[Report]:
    for obj, namespace, uses in checked_uses(index):
        made = None  # asked once a use reads keys of a defined object
        for use in uses:
            if use.optional or not use.keys:
                continue
            defined = _defined_by_name(index, use.kind, namespace, use.name)
            if defined is None:
                continue  # not defined (KL701/KL702), or its keys are not known
            if made is None:
                made = generated(index, obj)
            if (use.kind, use.name) in made:
                continue  # a kustomize generator may add keys to it (behavior: merge)
            yield from _check_keys(obj, use, namespace, defined)


def _defined_by_name(index: Any, kind: str, namespace: Optional[str], name: str) -> Optional[_Defined]:
    """The keys of the objects of that kind and name, or None when there is none or the keys of
    one are not known. (Memoised per run: copies of a workload read the same objects.)"""
    return index.memo(("defined-keys", kind, namespace, name), lambda: _defined(index.get(kind, namespace, name)))


def _defined(objects: list[Any]) -> Optional[_Defined]:
    known = [(o, k) for o in objects for k in (defined_keys(o),) if k is not None]
    if not known or len(known) < len(objects):
        return None
    env = frozenset().union(*(k.env for _, k in known))
    binary = frozenset().union(*(k.binary for _, k in known))
    return _Defined(known, env, env | binary, binary)


def _check_keys(obj: Any, use: Use, namespace: str, defined: _Defined) -> Iterator[Report]:
    env = use.source == "env"
    readable = defined.env if env else defined.volume
    for key, path in use.keys:
        if key in readable:
            continue
        effect = "the container will not start" if env else "the pod will not start"
        if env and key in defined.binary:
            yield Report(
                path,
                f'{use.describe()}, whose key "{key}" is in binaryData, which env vars cannot read: {effect}',
                f'move "{key}" to data (a text value), or mount the ConfigMap as a volume to read binary data',
                obj=obj,
            )
            continue
        target, _ = min(defined.known, key=lambda item: _distance(obj, item[0]))
        yield Report(
            path, f'{use.describe()}, which has no key "{key}": {effect}',
            _help(key, readable, f"{use.kind} {namespace}/{use.name}",
                  "" if target.file == obj.file else f" (in {target.file})"),
            obj=obj,
        )


def _help(key: str, keys: frozenset, where: str, in_file: str) -> str:
    hint = did_you_mean(key, keys)
    if hint is not None:
        return hint
    shown = sorted(keys)
    if len(shown) <= _LISTED:
        listed = ", ".join(f'"{k}"' for k in shown)
        has = f"only the key {listed}: use it" if len(shown) == 1 else f"the keys {listed}: use one of them"
        return f"{where} has {has}, or add \"{key}\" to it{in_file}"
    return f'add "{key}" to {where}{in_file}, or set optional: true if the pod can run without it'


def _distance(obj: Any, other: Any) -> tuple[bool, bool]:
    """Same file first, then same folder: the definition a reader most likely means."""
    return other.file != obj.file, os.path.dirname(other.file) != os.path.dirname(obj.file)
