"""The schema paths must agree on every object we have.

``SchemaStore.is_valid`` (k8slint.fastschema for small inputs, jsonschema_rs for large ones —
both engines are compared here) decides whether an object is valid; only when it says
no does ``SchemaStore.iter_errors`` (python jsonschema) explain why. If the fast path rejected
an object that jsonschema accepts, k8slint would silently report nothing for it; if it
accepted an object that jsonschema rejects, a real error would be missed. So for every
Kubernetes object with a bundled schema in the shared corpus (real manifests, kubeconform and
kube-linter fixtures) and in the project's own fixtures/ and examples/:

    is_valid(def, data) == (no errors from iter_errors(def, data))

for the default Kubernetes version and for the oldest bundled one, 1.25; files that a
kustomization lists as patches are also compared as partial objects (nothing required).
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import pytest

from k8slint.discover import discover
from k8slint.kustomize import collect_patches, is_kustomization
from k8slint.loader import decode, load_text
from k8slint.objects import K8sObject, identify
from k8slint.schema_store import load_store
from tests.conftest import CORPUS, FIXTURES, ROOT, needs_shared

pytestmark = needs_shared

TREES = [CORPUS / "real", CORPUS / "peers" / "kubeconform", CORPUS / "peers" / "kube-linter", FIXTURES, ROOT / "examples"]
# Objects with a bundled schema, per version; the corpus has about 730.
MINIMUM_COMPARED = 500
# Objects the explaining path rejects, so that both answers are exercised (the corpus has ~20).
MINIMUM_INVALID = 10


@dataclass(frozen=True)
class Item:
    where: str
    obj: K8sObject


@lru_cache(maxsize=1)
def _objects() -> tuple[Item, ...]:
    sources, errors = discover([str(t) for t in TREES if t.is_dir()])
    assert not errors, errors
    loaded = []
    kustomizations = []
    for source in sources:
        assert source.path is not None
        text, _ = decode(Path(source.path).read_bytes())
        if text is None:
            continue
        if Path(source.path).suffix == ".json":
            text = text.replace("\t", " ")  # as k8slint.run does: JSON allows tabs, YAML does not
        documents = load_text(text).documents
        loaded.append((source, documents))
        if is_kustomization(source.path):
            kustomizations += [(os.path.realpath(source.path), doc.data) for doc in documents]
    patches = collect_patches(kustomizations)
    items = []
    for source, documents in loaded:
        assert source.path is not None
        variants = (False, True) if os.path.realpath(source.path) in patches else (False,)
        for doc in documents:
            for partial in variants:
                for obj in identify(doc, source.display, source.order, partial).objects:
                    where = f"{source.display} document {doc.index + 1}" + (" (partial)" if partial else "")
                    items.append(Item(where, obj))
    return tuple(items)


def _first_errors(errors: list[Any]) -> str:
    return "; ".join(f"{'/'.join(map(str, e.absolute_path)) or '<root>'}: {e.message[:100]}" for e in errors[:3])


@pytest.mark.parametrize("engine", ["python", "rust"])
@pytest.mark.parametrize("version", [None, "1.25"], ids=["default", "1.25"])
def test_fast_path_agrees_with_explaining_path(version: str | None, engine: str) -> None:
    store = load_store(version)
    compared = invalid = partial = 0
    disagreements = []
    for item in _objects():
        obj = item.obj
        if not isinstance(obj.api_version, str) or not isinstance(obj.kind, str):
            continue
        def_name = store.lookup(obj.api_version, obj.kind)
        if def_name is None:
            continue  # no bundled schema (custom resource, removed API): not validated at all
        fast = store.is_valid(def_name, obj.data, obj.partial, engine)
        errors = list(store.iter_errors(def_name, obj.data, obj.partial))
        compared += 1
        invalid += bool(errors)
        partial += obj.partial
        if fast != (not errors):
            disagreements.append(
                f"{item.where}: {obj.kind} {obj.name}: {engine} is_valid={fast}, iter_errors="
                + (_first_errors(errors) or "none")
            )
    print(f"\nKubernetes {store.version}: {compared} objects compared "
          f"({invalid} invalid, {partial} as partial patches)")
    assert not disagreements, "\n".join(disagreements)
    assert compared >= MINIMUM_COMPARED, compared
    assert invalid >= MINIMUM_INVALID, invalid
    assert partial >= 1, "no kustomize patch was compared as a partial object"
