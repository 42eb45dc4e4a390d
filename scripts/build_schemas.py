#!/usr/bin/env python3
"""Build the compact, bundled Kubernetes schemas under ``schemas/``.

Source: the strict JSON schemas that the ``kubernetes-validate`` package
(Apache-2.0, https://github.com/willthames/kubernetes-validate) ships for every
Kubernetes minor version.  That package is a build-time dependency only:

    pip install kubernetes-validate==1.37.0
    pip download --no-deps --no-binary :all: kubernetes-validate==1.24.0   # the sdist, a .tar.gz
    python scripts/build_schemas.py --legacy-sdist kubernetes-validate-1.24.0.tar.gz

The bundled files were built from kubernetes-validate-1.24.0.tar.gz with sha256
c4121729c9e60ed216d8335b0da787141f6f5827e26483c777de3b27f4eb3d98. The installed package
(1.37.0) gives Kubernetes 1.25 to 1.37. The older versions, 1.16 to
1.24, come from the 1.24.0 source distribution (read straight from the tarball; the wheel of
that release is not needed), whose schemas have an older layout that the build normalises to
the same format (see "Older layout" below). Without ``--legacy-sdist`` only the files of the
installed package are rewritten; the older files in ``schemas/`` are left as they are.

For each minor version it writes ``schemas/kubernetes-<X.Y>.json.gz``: a first line with a
JSON header, then one line per definition, ``NAME<TAB>JSON``, sorted by name:

    {"format": 3, "kubernetes": "1.37", "source": "kubernetes-validate 1.37.0",
     "kinds": {"apps/v1": {"Deployment": "io.k8s.api.apps.v1.Deployment", ...}, ...},
     "groups": ["", "apps", "extensions", ...],
     "names": ["io.k8s.api.admissionregistration.v1.AuditAnnotation", ...],
     "spans": [START, END, START, END, ...],
     "refs": [[3, 17], [], ...]}
    io.k8s.api.admissionregistration.v1.AuditAnnotation\t{"properties": {...}, ...}
    ...

so that a run parses only the definitions the values it meets reach (a one-file check needs a
few dozen of about 900). ``names`` lists the definitions in file order; ``spans`` gives, for the
i-th, where its JSON starts and ends (bytes counted from the first definition line); ``refs``
gives, for the i-th, the positions in ``names`` of the definitions it refers to. So a run splits
and parses nothing but the header and what it uses (format 2 carried the references by name and
left the lines to be split: a third of a one-file run's schema work). ``groups`` lists every API
group Kubernetes ever served (from the DeleteOptions apiVersion enum), so removed groups are
still recognised as built-in.

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

Older layout (``--legacy-sdist``: the schemas of kubernetes-validate <= 1.24), normalised before
the steps above so that a definition that did not change between 1.24 and 1.25 comes out
byte-identical (499 of the 506 definitions the two versions share are; the 7 others changed in
1.25; tests/test_schemas.py checks this):
- ``_definitions.json`` has a top-level ``definitions`` key (not ``$defs``) and refs like
  ``#/definitions/NAME`` or ``_definitions.json#/definitions/NAME`` (``clean`` keeps only
  the name, as for the new layout);
- types are plain strings without ``"null"``. The newer files make every ``type`` nullable
  except where the schema sits under a name listed in the ``required`` of the object two levels
  up (a required property); ``allow_null`` applies exactly that rule, including its one
  quirk: ``JSONSchemaProps`` has a *property* named ``required``, so the ``items`` of its list
  properties stay non-null, as in 1.25+. So ``field: null`` is accepted on the same fields
  in every version;
- the ``*-local-strict`` folders of 1.23 and 1.24 in that sdist are not strict (identical to
  ``*-local``): ``strictify`` adds ``additionalProperties: false`` to every schema that has
  ``properties`` and no ``additionalProperties`` -- the rule the strict conversion applies,
  which reproduces the strict files of 1.16 to 1.22 exactly (a no-op on them);
- int-or-string and quantity are ``oneOf: [{type: string}, {type: integer}]``: rewritten
  like the new ones;
- there are no ``apiVersion``/``kind`` enums: ``add_gvk_enums`` derives them from each
  definition's ``x-kubernetes-group-version-kind``, as the newer files have them (they feed
  ``groups`` through ``DeleteOptions``; those of kinds are dropped as above).

The output is deterministic (sorted keys, gzip mtime 0, tarball members read by name) so that a
rebuild from the same package versions gives byte-identical files.
"""
from __future__ import annotations

import argparse
import gzip
import json
import re
import shutil
import sys
import tarfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from k8slint.schema_overlay import apply_overlay, read_overlay, version_tuple  # noqa: E402

OUT = ROOT / "schemas"
FORMAT = 3  # k8slint.schema_store.FORMAT reads this layout
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


def strictify(node: Any) -> Any:
    """Older layout: ``additionalProperties: false`` on every schema with ``properties`` and
    none of its own (upstream's strict conversion, which recurses through dicts only)."""
    if not isinstance(node, dict):
        return node
    out = {}
    for key, value in node.items():
        if isinstance(value, dict) and "properties" in value and "additionalProperties" not in value:
            value = {**value, "additionalProperties": False}
        out[key] = strictify(value)
    return out


def _is_required(grand_parent: Any, key: Any) -> bool:
    required = grand_parent.get("required") if isinstance(grand_parent, dict) else None
    # ``required`` is a list of property names, except under JSONSchemaProps' properties, where
    # it is the schema of the property named "required" (a dict): the newer files' quirk.
    return isinstance(required, (list, dict)) and key in required


def allow_null(node: Any, parent: Any = None, grand_parent: Any = None, key: Any = None) -> Any:
    """Older layout: add ``"null"`` to every ``type`` the way the 1.25+ files have it -- all but
    those of schemas named in the ``required`` list two levels up (required properties)."""
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for k, value in node.items():
        if isinstance(value, dict):
            out[k] = allow_null(value, node, parent, k)
        elif isinstance(value, list):
            out[k] = [allow_null(item, value, parent, k) for item in value]
        elif k == "type" and isinstance(value, str) and value != "null" and not _is_required(grand_parent, key):
            out[k] = [value, "null"]
        else:
            out[k] = value
    return out


def add_gvk_enums(definitions: dict[str, Any]) -> dict[str, Any]:
    """Older layout: the ``apiVersion``/``kind`` enums that the newer files derive from each
    definition's ``x-kubernetes-group-version-kind`` (in its order, without repeats)."""
    out = {}
    for name, definition in definitions.items():
        gvks = definition.get("x-kubernetes-group-version-kind") or []
        props = definition.get("properties", {})
        if gvks and ("apiVersion" in props or "kind" in props):
            api_versions = [f"{g['group']}/{g['version']}" if g["group"] else g["version"] for g in gvks]
            props = dict(props)
            for key, values in (("apiVersion", api_versions), ("kind", [g["kind"] for g in gvks])):
                if key in props:
                    props[key] = {**props[key], "enum": list(dict.fromkeys(values))}
            definition = {**definition, "properties": props}
        out[name] = definition
    return out


def normalise_legacy(document: dict[str, Any]) -> dict[str, Any]:
    """An older-layout ``_definitions.json`` → definitions as the newer files have them."""
    definitions = add_gvk_enums(document["definitions"])
    return allow_null(strictify({"definitions": definitions}))["definitions"]


def legacy_versions(sdist: Path, oldest: str) -> tuple[str, bytes, dict[str, dict[str, Any]]]:
    """The package version, its LICENSE and ``{minor: definitions}`` (``oldest`` and later) of
    an older kubernetes-validate sdist."""
    folder = re.compile(r"(?:^|/)kubernetes-json-schema/v(\d+\.\d+)\.\d+-local-strict/_definitions\.json\Z")
    found: dict[str, dict[str, Any]] = {}
    version = None
    notice = b""
    with tarfile.open(sdist, "r:gz") as tar:
        for member in sorted(tar.getmembers(), key=lambda m: m.name):
            if member.name.count("/") == 1 and member.name.endswith("/PKG-INFO"):
                text = tar.extractfile(member).read().decode()  # type: ignore[union-attr]
                version = re.search(r"^Version: (\S+)$", text, re.M).group(1)  # type: ignore[union-attr]
            if member.name.count("/") == 1 and member.name.endswith("/LICENSE"):
                notice = tar.extractfile(member).read()  # type: ignore[union-attr]
            m = folder.search(member.name)
            if m and version_tuple(m.group(1)) >= version_tuple(oldest):
                document = json.loads(tar.extractfile(member).read())  # type: ignore[union-attr]
                if "definitions" not in document:
                    raise SystemExit(f"{sdist}: {member.name} is not in the older layout")
                found[m.group(1)] = normalise_legacy(document)
    if version is None or not found or not notice:
        raise SystemExit(f"{sdist} is not a kubernetes-validate source distribution")
    return version, notice, found


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
    # JSONSchemaProps (v1, and v1beta1 before 1.22) has *properties* named oneOf, anyOf, allOf.
    leftover = [n for n, d in cleaned.items() if re.search(r'"(oneOf|anyOf|allOf)"', json.dumps(d))
                and not re.fullmatch(r"io\.k8s\.apiextensions-apiserver\.pkg\.apis\.apiextensions\.v1(beta1)?\.JSONSchemaProps", n)]
    if leftover:
        raise SystemExit(f"unexpected combinators left in {minor}: {leftover}")
    header = {
        "format": FORMAT,
        "kubernetes": minor,
        "source": source,
        "kinds": {av: dict(sorted(k.items())) for av, k in sorted(kinds.items())},
        "groups": groups,
    }
    return header, dict(sorted(cleaned.items()))


def serialise(header: dict[str, Any], definitions: dict[str, Any]) -> bytes:
    """The file's bytes: ``header`` with the definitions' names, spans and references added
    (see the module docstring), then one NAME<TAB>JSON line per definition."""
    names = list(definitions)
    position = {name: i for i, name in enumerate(names)}
    lines, spans, offset = [], [], 0
    for name, definition in definitions.items():
        prefix = (name + "\t").encode()
        text = json.dumps(definition, separators=(",", ":"), sort_keys=True).encode()
        spans += [offset + len(prefix), offset + len(prefix) + len(text)]
        lines.append(prefix + text + b"\n")
        offset += len(prefix) + len(text) + 1
    full = {**header, "names": names, "spans": spans,
            "refs": [sorted(position[r] for r in refs(definitions[name])) for name in names]}
    return json.dumps(full, separators=(",", ":")).encode() + b"\n" + b"".join(lines)


def write(out: Path, header: dict[str, Any], definitions: dict[str, Any]) -> tuple[int, int]:
    raw = serialise(header, definitions)
    target = out / f"kubernetes-{header['kubernetes']}.json.gz"
    with open(target, "wb") as fh, gzip.GzipFile(fileobj=fh, mode="wb", mtime=0, compresslevel=9, filename="") as gz:
        gz.write(raw)
    return len(raw), target.stat().st_size


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--legacy-sdist", type=Path, metavar="PATH",
                        help="a kubernetes-validate <= 1.24 sdist (.tar.gz): also build the older versions")
    parser.add_argument("--legacy-from", default="1.16", metavar="X.Y",
                        help="the oldest version to build from --legacy-sdist (default: 1.16)")
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
    built = set()
    for folder in sorted(pkg.glob("v*-local-strict")):
        minor = re.match(r"v(\d+\.\d+)", folder.name).group(1)  # type: ignore[union-attr]
        defs = json.loads((folder / "_definitions.json").read_text())["$defs"]
        header, definitions = build_version(defs, minor, source)
        written.append((minor, len(header["kinds"]), len(definitions), *write(args.out, header, definitions)))
        built.add(minor)
    legacy_notice = None
    if args.legacy_sdist:
        legacy_version, legacy_notice, legacy = legacy_versions(args.legacy_sdist, args.legacy_from)
        for minor in sorted(legacy, key=version_tuple):
            if minor in built:
                continue  # the newer package wins where both have a version
            header, definitions = build_version(legacy[minor], minor, f"kubernetes-validate {legacy_version} (sdist)")
            written.append((minor, len(header["kinds"]), len(definitions), *write(args.out, header, definitions)))
    written.sort(key=lambda row: version_tuple(row[0]))
    dist = Path(kubernetes_validate.__file__).parent.parent
    for lic in dist.glob("kubernetes_validate-*.dist-info/licenses/LICENSE"):
        shutil.copyfile(lic, args.out / "LICENSE.kubernetes-validate")
    kept = args.out / "LICENSE.kubernetes-validate"
    if legacy_notice is not None and (not kept.exists() or kept.read_bytes() != legacy_notice):
        # the same Apache-2.0 notice today; should a release change it, keep that one too
        (args.out / f"LICENSE.kubernetes-validate-{legacy_version}").write_bytes(legacy_notice)
    for minor, groups, ndefs, raw_size, gz_size in written:
        print(f"{minor}: {groups} apiVersions, {ndefs} definitions, {raw_size // 1024} KiB raw, {gz_size // 1024} KiB gzipped")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
