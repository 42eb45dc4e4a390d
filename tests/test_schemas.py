"""The bundled schema files: every version present, compact, and carrying the enum overlay."""
import gzip

import pytest

from k8slint.paths import data_dir
from k8slint.schema_overlay import allowed_values, read_overlay
from k8slint.schema_store import SchemaStore, available_versions, normalise_version, UnknownVersion

VERSIONS = [f"1.{minor}" for minor in range(25, 38)]


def test_every_minor_version_from_1_25_to_1_37_is_bundled():
    assert available_versions() == VERSIONS


@pytest.mark.parametrize("version", VERSIONS)
def test_schema_file_is_compact_and_self_contained(version):
    path = data_dir() / "schemas" / f"kubernetes-{version}.json.gz"
    assert path.stat().st_size < 64 * 1024
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


@pytest.mark.parametrize("version", ["1.25", "1.37"])
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
    with pytest.raises(UnknownVersion):
        normalise_version("1.24")
    with pytest.raises(UnknownVersion):
        normalise_version("latest")


def test_only_reachable_definitions_are_parsed():
    store = SchemaStore("1.37")
    assert store.is_valid("io.k8s.api.core.v1.ConfigMap", {"apiVersion": "v1", "kind": "ConfigMap"})
    assert len(store._parsed) < 10
