"""The bundled schema files: every version present, compact, and carrying the enum overlay."""
import gzip
import json
import re

import pytest

from k8slint.paths import data_dir
from k8slint.schema_overlay import allowed_values, read_overlay
from k8slint.schema_store import SchemaStore, available_versions, normalise_version, UnknownVersion

VERSIONS = [f"1.{minor}" for minor in range(16, 38)]
# Built from the kubernetes-validate 1.24.0 sdist (older layout, normalised by the build).
LEGACY = [f"1.{minor}" for minor in range(16, 25)]


def test_every_minor_version_from_1_16_to_1_37_is_bundled():
    assert available_versions() == VERSIONS


@pytest.mark.parametrize("version", VERSIONS)
def test_schema_file_is_compact_and_self_contained(version):
    path = data_dir() / "schemas" / f"kubernetes-{version}.json.gz"
    assert 16 * 1024 < path.stat().st_size < 64 * 1024
    store = SchemaStore(version)
    assert store.lookup("apps/v1", "Deployment") == "io.k8s.api.apps.v1.Deployment"
    assert store.lookup("v1", "Service") == "io.k8s.api.core.v1.Service"
    text = gzip.decompress(path.read_bytes()).decode()
    assert '"description":"' not in text  # annotations stripped (properties named description stay)
    # every reference resolves inside the file
    for name in store.refs:
        for ref in store.refs[name]:
            assert ref in store.refs, (name, ref)
    assert {"", "apps", "batch", "extensions", "policy"} <= store.groups
    # the header's names, spans and references describe the NAME<TAB>JSON lines exactly
    lines = dict(line.split("\t", 1) for line in text.splitlines()[1:])
    assert store._names == list(lines) == sorted(lines)
    assert all(store.definition(name) == json.loads(definition) for name, definition in lines.items())
    for name, definition in lines.items():
        found = set(re.findall(r'"\$ref":"#/definitions/([^"]+)"', definition))
        assert set(store.refs[name]) == found and len(store.refs[name]) == len(found), name


@pytest.mark.parametrize("version", ["1.16", "1.21", "1.24", "1.25", "1.37"])
def test_int_or_string_accepts_null_and_has_no_one_of(version):
    store = SchemaStore(version)
    assert store.definition("io.k8s.apimachinery.pkg.util.intstr.IntOrString") == {"type": ["string", "integer", "null"]}
    assert store.definition("io.k8s.apimachinery.pkg.api.resource.Quantity") == {"type": ["string", "number", "null"]}


@pytest.mark.parametrize("version", VERSIONS)
def test_overlay_enums_are_in_every_version(version):
    """Fails when schemas/overlay/enums.yaml was edited without rerunning scripts/build_schemas.py."""
    overlay = read_overlay(data_dir() / "schemas" / "overlay" / "enums.yaml")
    store = SchemaStore(version)
    applied = 0
    for def_name, fields in overlay.items():
        if def_name not in store.refs:
            continue
        props = store.definition(def_name).get("properties", {})
        for field, values in fields.items():
            is_list = field.endswith("[]")
            prop = props.get(field.rstrip("[]"))
            if prop is None:
                continue
            target = prop["items"] if is_list else prop
            assert target.get("enum") == allowed_values(values, version) + [None], (def_name, field)
            applied += 1
    assert applied >= 40


def test_overlay_names_exist_in_the_newest_version():
    overlay = read_overlay(data_dir() / "schemas" / "overlay" / "enums.yaml")
    store = SchemaStore("1.37")
    for def_name, fields in overlay.items():
        assert def_name in store.refs, def_name
        props = store.definition(def_name)["properties"]
        for field in fields:
            assert field.rstrip("[]") in props, (def_name, field)


def test_version_names():
    assert normalise_version("v1.30") == "1.30"
    assert normalise_version("1.30.2") == "1.30"
    assert normalise_version("1.16") == "1.16"
    assert normalise_version("v1.21.14") == "1.21"
    with pytest.raises(UnknownVersion):
        normalise_version("1.15")
    with pytest.raises(UnknownVersion):
        normalise_version("latest")


def test_only_reachable_definitions_are_parsed():
    store = SchemaStore("1.37")
    assert store.is_valid("io.k8s.api.core.v1.ConfigMap", {"apiVersion": "v1", "kind": "ConfigMap"})
    assert len(store._parsed) < 10


@pytest.mark.parametrize("version", VERSIONS)
def test_header_format_and_served_groups(version):
    path = data_dir() / "schemas" / f"kubernetes-{version}.json.gz"
    header = json.loads(gzip.decompress(path.read_bytes()).decode().partition("\n")[0])
    assert header["format"] == 3 and header["kubernetes"] == version
    assert header["source"] == ("kubernetes-validate 1.24.0 (sdist)" if version in LEGACY else "kubernetes-validate 1.37.0")
    store = SchemaStore(version)
    # extensions/v1beta1 Ingress was served until 1.21, networking.k8s.io/v1 Ingress from 1.19
    minor = int(version.split(".")[1])
    assert (store.lookup("extensions/v1beta1", "Ingress") is not None) == (minor <= 21)
    assert (store.lookup("networking.k8s.io/v1", "Ingress") is not None) == (minor >= 19)
    assert (store.lookup("batch/v1beta1", "CronJob") is not None) == (minor <= 24)
    # the groups older versions served stay known in the header itself
    assert "extensions" in set(header["groups"])


@pytest.mark.parametrize("version", VERSIONS)
def test_optional_fields_accept_null_and_required_ones_do_not(version):
    """The older layout gets "null" the way the 1.25+ files have it."""
    store = SchemaStore(version)
    spec = store.definition("io.k8s.api.apps.v1.DeploymentSpec")
    assert spec["additionalProperties"] is False
    assert spec["properties"]["replicas"]["type"] == ["integer", "null"]
    assert set(spec["required"]) == {"selector", "template"}
    container = store.definition("io.k8s.api.core.v1.Container")
    assert container["properties"]["name"]["type"] == "string"  # required: not nullable
    assert container["properties"]["args"] == {"items": {"type": ["string", "null"]}, "type": ["array", "null"]}
    assert store.definition("io.k8s.api.core.v1.Pod")["type"] == ["object", "null"]
    assert store.is_valid("io.k8s.api.apps.v1.Deployment", {
        "apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "x", "labels": None},
        "spec": {"replicas": None, "selector": {"matchLabels": {"a": "b"}},
                 "template": {"metadata": {"labels": {"a": "b"}},
                              "spec": {"containers": [{"name": "c", "image": "i", "args": None}]}}},
    })
    assert not store.is_valid("io.k8s.api.apps.v1.Deployment", {
        "apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "x"},
        "spec": {"selector": {}, "template": {"spec": {"containers": [{"name": None}]}}},
    })
    assert not store.is_valid("io.k8s.api.apps.v1.Deployment", {
        "apiVersion": "apps/v1", "kind": "Deployment", "spec": {"selektor": {}, "template": {}},
    })


def test_unchanged_definitions_are_identical_across_the_two_sources():
    """1.24 (older layout, normalised) and 1.25 (newer layout) agree byte for byte on every
    definition that did not change between the two releases."""
    def raw(version):
        text = gzip.decompress((data_dir() / "schemas" / f"kubernetes-{version}.json.gz").read_bytes()).decode()
        return dict(line.split("\t", 1) for line in text.splitlines()[1:])

    old, new = raw("1.24"), raw("1.25")
    common = old.keys() & new.keys()
    differ = {name for name in common if old[name] != new[name]}
    assert len(common) > 450
    # fields added in 1.25 (or ObjectMeta.clusterName, removed), and the apiVersions DeleteOptions names
    assert differ <= {
        "io.k8s.api.batch.v1.JobSpec", "io.k8s.api.core.v1.CSIPersistentVolumeSource", "io.k8s.api.core.v1.PodSpec",
        "io.k8s.api.core.v1.TopologySpreadConstraint", "io.k8s.api.storage.v1.CSIDriverSpec",
        "io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions", "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta",
    }, differ


def _build_script():
    import importlib.util

    from tests.conftest import ROOT

    spec = importlib.util.spec_from_file_location("build_schemas", ROOT / "scripts" / "build_schemas.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_older_layout_normalisation_rules():
    """scripts/build_schemas.py's rules for the older layout, on a small made-up document."""
    build = _build_script()
    old = {"definitions": {
        "x.Kind": {
            "type": "object", "required": ["name"],
            "x-kubernetes-group-version-kind": [{"group": "g.io", "version": "v1", "kind": "Kind"}],
            "properties": {
                "apiVersion": {"type": "string"}, "kind": {"type": "string"},
                "name": {"type": "string"},
                "tags": {"type": "array", "items": {"type": "string"}},
                "labels": {"type": "object", "additionalProperties": {"type": "string"}},
                "spec": {"$ref": "_definitions.json#/definitions/x.Spec"},
            },
        },
        "x.Spec": {"type": "object", "properties": {"replicas": {"type": "integer"}}},
        "x.Props": {"type": "object", "properties": {
            "required": {"type": "array", "items": {"type": "string"}},
            "enum": {"type": "array", "items": {"type": "string"}},
        }},
    }}
    new = build.normalise_legacy(old)
    kind = new["x.Kind"]
    assert kind["type"] == ["object", "null"] and kind["additionalProperties"] is False
    assert kind["properties"]["name"] == {"type": "string"}  # required: not nullable
    assert kind["properties"]["tags"] == {"type": ["array", "null"], "items": {"type": ["string", "null"]}}
    assert kind["properties"]["labels"]["additionalProperties"] == {"type": ["string", "null"]}
    assert kind["properties"]["apiVersion"]["enum"] == ["g.io/v1"] and kind["properties"]["kind"]["enum"] == ["Kind"]
    assert new["x.Spec"]["additionalProperties"] is False
    # the quirk of the newer files: under a properties map that has a property named "required",
    # the items of list properties stay non-null (JSONSchemaProps)
    assert new["x.Props"]["properties"]["enum"]["items"] == {"type": "string"}
    assert old["definitions"]["x.Spec"] == {"type": "object", "properties": {"replicas": {"type": "integer"}}}  # input untouched


def test_the_build_writes_what_the_store_reads(tmp_path, monkeypatch):
    """scripts/build_schemas.py's writer and SchemaStore agree on format 3, on a made-up version."""
    import k8slint.schema_store as schema_store

    build = _build_script()
    definitions = {
        "a.B": {"properties": {"spec": {"$ref": "#/definitions/a.C"}, "tab\tname": {"type": "string"}}},
        "a.C": {"properties": {"items": {"items": {"$ref": "#/definitions/a.D"}}, "self": {"$ref": "#/definitions/a.C"}}},
        "a.D": {"enum": ["é", "x\ny"], "type": "string"},
    }
    header = {"format": build.FORMAT, "kubernetes": "1.99", "source": "test", "kinds": {"v1": {"B": "a.B"}}, "groups": [""]}
    (tmp_path / "schemas").mkdir()
    build.write(tmp_path / "schemas", header, definitions)
    monkeypatch.setattr(schema_store, "data_folder", lambda: str(tmp_path))
    store = schema_store.SchemaStore("1.99")
    assert build.FORMAT == schema_store.FORMAT
    assert store.lookup("v1", "B") == "a.B"
    assert store.definitions == definitions
    assert store.refs == {"a.B": ["a.C"], "a.C": ["a.C", "a.D"], "a.D": []}
    assert store.reachable("a.B") == ["a.B", "a.C", "a.D"] and store.reachable("a.D") == ["a.D"]
