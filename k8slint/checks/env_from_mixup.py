"""KL104: `env` and `envFrom` items mixed up, or an env source outside `valueFrom`."""
from __future__ import annotations

from typing import Any, Iterator

from k8slint.findings import Severity
from k8slint.rule import Report, Rule
from k8slint.workloads import POD_KINDS, as_list, pod_containers

RULE = Rule(
    "KL104", "env-from-mixup", Severity.ERROR, "env",
    "An `env` item written like an `envFrom` item (or the reverse), or a key reference "
    "outside `valueFrom`.",
    why="`env` items set one variable (`name` plus `value` or `valueFrom`); `envFrom` items "
    "import every key of a ConfigMap or Secret (`configMapRef` or `secretRef`). The two lists "
    "look alike, and so do `configMapRef` and `valueFrom.configMapKeyRef`. A mixed-up item is "
    "rejected by the API server, and schema validators only report an unknown field and a "
    "missing name; this names the mistake once, where it is.",
    example="env:\n  - configMapRef:\n      name: app-config\n  - name: DB_PASSWORD\n"
    "    secretKeyRef: {name: db, key: password}\n",
    use_instead="envFrom:\n  - configMapRef:\n      name: app-config\nenv:\n  - name: DB_PASSWORD\n"
    "    valueFrom:\n      secretKeyRef: {name: db, key: password}\n",
)
KINDS = POD_KINDS

FROM_REFS = ("configMapRef", "secretRef")  # EnvFromSource: import every key
FROM_KEYS = frozenset({*FROM_REFS, "prefix"})
VAR_KEYS = ("name", "value", "valueFrom")  # EnvVar: one variable
# EnvVarSource: where one variable's value comes from (fileKeyRef since Kubernetes 1.34)
SOURCE_KEYS = ("configMapKeyRef", "secretKeyRef", "fieldRef", "resourceFieldRef", "fileKeyRef")
KEY_REF = {"configMapRef": "configMapKeyRef", "secretRef": "secretKeyRef"}
REF_INNER = frozenset({"name", "optional"})  # fields of ConfigMapEnvSource / SecretEnvSource

TO_ENV_FROM = (
    'move this item to "envFrom:" — env items set one variable (name + value/valueFrom); '
    "envFrom imports all keys of a ConfigMap or Secret"
)
TO_ENV = (
    'move this item to "env:" — envFrom items import all keys of a ConfigMap or Secret '
    "(configMapRef/secretRef); env items set one variable (name + value/valueFrom)"
)


def check(obj: Any, ctx: Any) -> Iterator[Report]:
    for path, container in pod_containers(obj):
        cname = container.get("name")
        where = f'container "{cname}"' if isinstance(cname, str) else f"{path[-2]}[{path[-1]}]"
        for i, item in enumerate(as_list(container.get("env"))):
            if isinstance(item, dict):
                yield from _env_item(item, path + ("env", i), f"env[{i}]", where)
        for i, item in enumerate(as_list(container.get("envFrom"))):
            if isinstance(item, dict):
                yield from _env_from_item(item, path + ("envFrom", i), f"envFrom[{i}]", where)


def _env_item(item: dict, item_path: tuple, label: str, where: str) -> Iterator[Report]:
    name = item.get("name")
    has_name = "name" in item
    has_value = "value" in item or "valueFrom" in item
    refs = [k for k in item if k in FROM_REFS]
    if refs:
        folds = [(item_path + (k,), "KL010") for k in item if k in FROM_KEYS]
        if not has_name:
            yield Report(
                item_path,
                f'{label} of {where} is an envFrom item: it has "{refs[0]}" instead of "name" and "value"',
                TO_ENV_FROM,
                folds=(*folds, (item_path, "KL013")),
            )
        else:
            shown = f'"{name}"' if isinstance(name, str) else "it"
            ref = refs[0]
            if not has_value:
                folds.append((item_path, "KL102"))
            yield Report(
                item_path + (ref,),
                f'env var {_var(name, label)} of {where} has "{ref}", which belongs to envFrom items',
                f"to set {shown} from one key, write valueFrom: {{{KEY_REF[ref]}: {{name: ..., key: ...}}}}; "
                f'to import every key, move "{ref}" to an item under "envFrom:"',
                key=True, folds=tuple(folds),
            )
    sources = [k for k in item if k in SOURCE_KEYS]
    if sources:
        source = sources[0]
        folds = [(item_path + (k,), "KL010") for k in sources]
        if not has_name:
            folds.append((item_path, "KL013"))
        elif not has_value:
            folds.append((item_path, "KL102"))
        if "valueFrom" in item and item["valueFrom"] is None:
            help = f'indent "{source}" under "valueFrom:"'
        else:
            help = f'put it under valueFrom: write "valueFrom:" and indent "{source}:" below it'
            if "value" in item:
                help += ', then remove "value" (a variable has either value or valueFrom)'
        yield Report(
            item_path + (source,),
            f'"{source}" in env var {_var(name, label)} of {where} must be under "valueFrom"',
            help, key=True, folds=tuple(folds),
        )


def _env_from_item(item: dict, item_path: tuple, label: str, where: str) -> Iterator[Report]:
    refs = [k for k in item if k in FROM_REFS]
    var_keys = [k for k in item if k in VAR_KEYS]
    if refs:
        empty = [k for k in refs if item[k] is None or item[k] == {}]
        inner = [k for k in item if k in REF_INNER]
        if empty and inner:
            ref = empty[0]
            kind = "ConfigMap" if ref == "configMapRef" else "Secret"
            yield Report(
                item_path + (inner[0],),
                f'"{inner[0]}" of {label} in {where} is beside "{ref}:" instead of under it, '
                f"so {label} names no {kind}",
                f'indent {_quoted(inner)} under "{ref}:"',
                key=True, folds=tuple((item_path + (k,), "KL010") for k in inner),
            )
        return
    if var_keys:
        yield Report(
            item_path,
            f'{label} of {where} is an env item: it has {_quoted(var_keys)} instead of "configMapRef" or "secretRef"',
            TO_ENV,
            folds=tuple((item_path + (k,), "KL010") for k in var_keys),
        )


def _var(name: Any, label: str) -> str:
    return f'"{name}"' if isinstance(name, str) else label


def _quoted(keys: list[str]) -> str:
    return " and ".join(f'"{k}"' for k in keys)
