#!/usr/bin/env python3
"""Build the compact, bundled Kubernetes schemas under ``schemas/``.

Source: the strict JSON schemas that the ``kubernetes-validate`` package
(Apache-2.0, https://github.com/willthames/kubernetes-validate) ships for every
Kubernetes minor version.  That package is a build-time dependency only:

    pip install kubernetes-validate==1.37.0
    python scripts/build_schemas.py

For each minor version it writes ``schemas/kubernetes-<X.Y>.json.gz``: a first line with a
JSON header, then one line per definition, ``NAME<TAB>JSON``, sorted by name:

    {"format": 2, "kubernetes": "1.37", "source": "kubernetes-validate 1.37.0",
     "kinds": {"apps/v1": {"Deployment": "io.k8s.api.apps.v1.Deployment", ...}, ...},
     "refs": {"io.k8s.api.apps.v1.Deployment": ["io.k8s.api.apps.v1.DeploymentSpec", ...], ...},
     "groups": ["", "apps", "extensions", ...]}
    io.k8s.api.apps.v1.Deployment\t{"properties": {...}, ...}
    ...

so that a run parses only the definitions the kinds it meets reach (a one-file check needs a
tenth of them). ``groups`` lists every API group Kubernetes ever served (from the
DeleteOptions apiVersion enum), so removed groups are still recognised as built-in.

What the build changes, and why:
- descriptions and ``x-kubernetes-*`` annotations are dropped (not used to
  validate; they are most of the bytes);
- only definitions reachable from a top-level kind are kept;
- ``$ref``s point into the file itself (``#/definitions/NAME``);
- int-or-string and quantity are rewritten from ``oneOf: [{type: [string, null]},
  {type: [integer, null]}]`` to one ``type: [string, integer, null]``: upstream's
  oneOf rejects ``null`` (it matches both branches) and makes error messages noisy;
- the ``apiVersion``/``kind`` enums of each kind are dropped: k8slint picks the
  schema by apiVersion/kind, so they can never fail;
- the hand-kept enums of ``schemas/overlay/enums.yaml`` are added (the published schemas
  have none). Edit the overlay, then rerun this script; a test fails when they disagree.

The output is deterministic (sorted keys, gzip mtime 0) so that a rebuild from
the same package version gives byte-identical files.
"""
from __future__ import annotations

import argparse
import gzip
import json
import re
import shutil
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from k8slint.schema_overlay import apply_overlay, read_overlay  # noqa: E402

OUT = ROOT / "schemas"
DROP_KEYS = {"description", "format"}
INT_OR_STRING = "io.k8s.apimachinery.pkg.util.intstr.IntOrString"
QUANTITY = "io.k8s.apimachinery.pkg.api.resource.Quantity"
# Definitions with several group/version/kinds are API plumbing, not objects a user applies.
NOT_OBJECTS = {
    "io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions",
    "io.k8s.apimachinery.pkg.apis.meta.v1.WatchEvent",
}


def clean(node: Any) -> Any:
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if key in DROP_KEYS or key.startswith("x-kubernetes-"):
                continue
            if key == "$ref":
                out[key] = "#/definitions/" + value.rsplit("/", 1)[-1]
            elif key == "properties":
                out[key] = {name: clean(sub) for name, sub in value.items()}
            else:
                out[key] = clean(value)
        return out
    if isinstance(node, list):
        return [clean(item) for item in node]
    return node


def refs(node: Any) -> set[str]:
    found: set[str] = set()
    stack = [node]
    while stack:
        cur = stack.pop()
        if isinstance(cur, dict):
            for key, value in cur.items():
                if key == "$ref" and isinstance(value, str):
                    found.add(value.rsplit("/", 1)[-1])
                else:
                    stack.append(value)
        elif isinstance(cur, list):
            stack.extend(cur)
    return found


def build_version(defs: dict[str, Any], minor: str, source: str) -> tuple[dict[str, Any], dict[str, Any]]:
    kinds: dict[str, dict[str, str]] = {}
    for name, definition in defs.items():
        gvks = definition.get("x-kubernetes-group-version-kind") or []
        if len(gvks) != 1 or name in NOT_OBJECTS:
            continue
        gvk = gvks[0]
        api_version = f"{gvk['group']}/{gvk['version']}" if gvk["group"] else gvk["version"]
        kinds.setdefault(api_version, {})[gvk["kind"]] = name

    cleaned: dict[str, Any] = {}
    todo = sorted({name for by_kind in kinds.values() for name in by_kind.values()})
    while todo:
        name = todo.pop()
        if name in cleaned:
            continue
        definition = clean(defs[name])
        props = definition.get("properties", {})
        if name in {n for by_kind in kinds.values() for n in by_kind.values()}:
            for key in ("apiVersion", "kind"):
                if key in props:
                    props[key] = {"type": "string"}
        cleaned[name] = definition
        todo.extend(sorted(refs(definition) - cleaned.keys()))

    historic = (
        defs.get("io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions", {})
        .get("properties", {}).get("apiVersion", {}).get("enum", [])
    )
    groups = sorted({av.rpartition("/")[0] for av in [*kinds, *historic]})
    apply_overlay(cleaned, minor, read_overlay(ROOT / "schemas" / "overlay" / "enums.yaml"))
    if INT_OR_STRING in cleaned:
        cleaned[INT_OR_STRING] = {"type": ["string", "integer", "null"]}
    if QUANTITY in cleaned:
        cleaned[QUANTITY] = {"type": ["string", "number", "null"]}
    leftover = [n for n, d in cleaned.items() if re.search(r'"(oneOf|anyOf|allOf)"', json.dumps(d))
                and n != "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps"]
    if leftover:
        raise SystemExit(f"unexpected combinators left in {minor}: {leftover}")
    header = {
        "format": 2,
        "kubernetes": minor,
        "source": source,
        "kinds": {av: dict(sorted(k.items())) for av, k in sorted(kinds.items())},
        "refs": {name: sorted(refs(cleaned[name])) for name in sorted(cleaned)},
        "groups": groups,
    }
    return header, dict(sorted(cleaned.items()))


def serialise(header: dict[str, Any], definitions: dict[str, Any]) -> bytes:
    lines = [json.dumps(header, separators=(",", ":"))]
    for name, definition in definitions.items():
        lines.append(name + "\t" + json.dumps(definition, separators=(",", ":"), sort_keys=True))
    return ("\n".join(lines) + "\n").encode()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    try:
        import kubernetes_validate  # type: ignore[import-not-found]
        from importlib.metadata import version
    except ImportError:
        print("build_schemas.py needs kubernetes-validate: pip install kubernetes-validate", file=sys.stderr)
        return 2
    pkg = Path(kubernetes_validate.__file__).parent / "kubernetes-json-schema"
    source = f"kubernetes-validate {version('kubernetes-validate')}"
    args.out.mkdir(parents=True, exist_ok=True)
    written = []
    for folder in sorted(pkg.glob("v*-local-strict")):
        minor = re.match(r"v(\d+\.\d+)", folder.name).group(1)  # type: ignore[union-attr]
        defs = json.loads((folder / "_definitions.json").read_text())["$defs"]
        header, definitions = build_version(defs, minor, source)
        raw = serialise(header, definitions)
        target = args.out / f"kubernetes-{minor}.json.gz"
        with open(target, "wb") as fh, gzip.GzipFile(fileobj=fh, mode="wb", mtime=0, compresslevel=9, filename="") as gz:
            gz.write(raw)
        written.append((minor, len(header["kinds"]), len(definitions), len(raw), target.stat().st_size))
    dist = Path(kubernetes_validate.__file__).parent.parent
    for lic in dist.glob("kubernetes_validate-*.dist-info/licenses/LICENSE"):
        shutil.copyfile(lic, args.out / "LICENSE.kubernetes-validate")
    for minor, groups, ndefs, raw_size, gz_size in written:
        print(f"{minor}: {groups} apiVersions, {ndefs} definitions, {raw_size // 1024} KiB raw, {gz_size // 1024} KiB gzipped")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
