"""KL703: a pod that reads a key that its ConfigMap or Secret does not have."""
from __future__ import annotations

import os
from typing import Any, Iterator

from k8slint.checks._references import Keys, Use, defined_keys, generated, object_uses
from k8slint.findings import Severity
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

_LISTED = 6  # list the object's keys in the help when it has at most this many


def check_index(index: Any, ctx: Any) -> Iterator[Report]:
    for obj, namespace, _ in index.checked_templates():  # only pods read keys
        made = generated(index, obj)
        for use in object_uses(index, obj):
            if use.optional or not use.keys or (use.kind, use.name) in made:
                continue  # a kustomize generator may add keys to it (behavior: merge)
            defined = index.get(use.kind, namespace, use.name)
            known = [(o, k) for o in defined for k in (defined_keys(o),) if k is not None]
            if not known or len(known) < len(defined):
                continue  # not defined (KL701/KL702), or its keys are not known
            yield from _check_keys(obj, use, namespace, known)


def _check_keys(obj: Any, use: Use, namespace: str, known: list[tuple[Any, Keys]]) -> Iterator[Report]:
    env = use.source == "env"
    readable = frozenset().union(*(k.env if env else k.env | k.binary for _, k in known))
    binary = frozenset().union(*(k.binary for _, k in known))
    target, _ = min(known, key=lambda item: _distance(obj, item[0]))
    where = f"{use.kind} {namespace}/{use.name}"
    effect = "the container will not start" if env else "the pod will not start"
    for key, path in use.keys:
        if key in readable:
            continue
        if env and key in binary:
            yield Report(
                path,
                f'{use.describe()}, whose key "{key}" is in binaryData, which env vars cannot read: {effect}',
                f'move "{key}" to data (a text value), or mount the ConfigMap as a volume to read binary data',
                obj=obj,
            )
            continue
        yield Report(
            path, f'{use.describe()}, which has no key "{key}": {effect}',
            _help(key, readable, where, "" if target.file == obj.file else f" (in {target.file})"), obj=obj,
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
