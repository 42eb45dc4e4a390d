"""Custom resources validated by the CRDs k8slint reads, or by catalog-style schema folders."""
import json
import textwrap

from k8slint.custom_resources import crd_to_json_schema
from tests.conftest import CORPUS, needs_shared, run_json

CRD = textwrap.dedent("""\
    apiVersion: apiextensions.k8s.io/v1
    kind: CustomResourceDefinition
    metadata:
      name: widgets.example.com
    spec:
      group: example.com
      names: {kind: Widget, plural: widgets, singular: widget, listKind: WidgetList}
      scope: Namespaced
      versions:
        - name: v1
          served: true
          storage: true
          schema:
            openAPIV3Schema:
              type: object
              properties:
                spec:
                  type: object
                  required: [size]
                  properties:
                    size: {type: integer, minimum: 1}
                    color: {type: string, enum: [red, green, blue]}
                    port: {x-kubernetes-int-or-string: true}
                    note: {type: string, nullable: true}
                    extra: {type: object, x-kubernetes-preserve-unknown-fields: true}
                    template: {type: object, x-kubernetes-embedded-resource: true, x-kubernetes-preserve-unknown-fields: true}
        - name: v1alpha1
          served: false
          storage: false
    """)
WIDGET = textwrap.dedent("""\
    apiVersion: example.com/v1
    kind: Widget
    metadata:
      name: w
    spec:
      size: 3
      colour: red
    """)


def findings(report):
    return [(f["rule"], f["line"], f["message"]) for f in report["findings"]]


def test_crd_and_resource_in_one_file(tmp_path):
    (tmp_path / "all.yaml").write_text(CRD + "---\n" + WIDGET)
    code, report = run_json("all.yaml", cwd=tmp_path)
    assert findings(report) == [
        ("KL010", 37, 'unknown field "colour" in Widget spec; did you mean "color"?'),
    ]
    assert report["findings"][0]["help"] == 'rename "colour" to "color"'


def test_resource_before_its_crd_and_crd_from_context(tmp_path):
    (tmp_path / "a-widget.yaml").write_text(WIDGET)
    (tmp_path / "z-crd.yaml").write_text(CRD)
    assert [f[0] for f in findings(run_json(".", cwd=tmp_path)[1])] == ["KL010"]
    assert [f[0] for f in findings(run_json("a-widget.yaml", "--context", "z-crd.yaml", cwd=tmp_path)[1])] == ["KL010"]
    # Without the CRD the kind has no schema: one info.
    assert [f[0] for f in findings(run_json("a-widget.yaml", cwd=tmp_path)[1])] == ["KL022"]


def test_openapi_extensions_are_honoured(tmp_path):
    widget = WIDGET.replace("  colour: red\n", "  color: blue\n  port: http\n  note: null\n  extra: {anything: [1, 2]}\n"
                            "  template: {apiVersion: v1, kind: Pod, metadata: {name: p}, spec: {x: 1}}\n")
    (tmp_path / "all.yaml").write_text(CRD + "---\n" + widget)
    assert findings(run_json("all.yaml", cwd=tmp_path)[1]) == []
    bad = WIDGET.replace("  colour: red\n", "  color: purple\n  port: [1]\n  size: 0\n").replace("  size: 3\n", "")
    (tmp_path / "all.yaml").write_text(CRD + "---\n" + bad)
    rules = [f[0] for f in findings(run_json("all.yaml", cwd=tmp_path)[1])]
    assert sorted(rules) == ["KL011", "KL012", "KL012"]  # port type, color enum, size minimum


def test_metadata_is_validated_as_object_meta(tmp_path):
    (tmp_path / "all.yaml").write_text(CRD + "---\n" + WIDGET.replace("  name: w\n", "  name: w\n  lables: {a: b}\n").replace("colour", "color"))
    assert findings(run_json("all.yaml", cwd=tmp_path)[1]) == [
        ("KL010", 35, 'unknown field "lables" in Widget metadata; did you mean "labels"?'),
    ]


def test_unserved_version_and_unknown_kind_of_a_known_group(tmp_path):
    (tmp_path / "all.yaml").write_text(
        CRD + "---\n" + WIDGET.replace("example.com/v1", "example.com/v1alpha1").replace("colour", "color")
        + "---\n" + WIDGET.replace("kind: Widget", "kind: Widgit").replace("colour", "color")
    )
    report = run_json("all.yaml", cwd=tmp_path)[1]
    assert [(f["rule"], f["line"]) for f in report["findings"]] == [("KL020", 31), ("KL021", 40)]
    assert report["findings"][0]["help"] == 'use "apiVersion: example.com/v1" (served: example.com/v1)'
    assert report["findings"][1]["help"] == 'did you mean "Widget"?'


def test_schema_location_catalog_layout(tmp_path):
    """The same resource, validated by a catalog folder ({group}/{kind}_{version}.json) as
    kubeconform users keep them (datreeio/CRDs-catalog layout), gives the same finding."""
    catalog = tmp_path / "catalog" / "example.com"
    catalog.mkdir(parents=True)
    schema = {
        "type": "object",
        "properties": {
            "apiVersion": {"type": "string"}, "kind": {"type": "string"}, "metadata": {"type": "object"},
            "spec": {"type": "object", "additionalProperties": False, "required": ["size"],
                     "properties": {"size": {"type": "integer"}, "color": {"type": "string"}}},
        },
    }
    (catalog / "widget_v1.json").write_text(json.dumps(schema))
    (tmp_path / "widget.yaml").write_text(WIDGET)
    code, report = run_json("widget.yaml", "--schema-location", "catalog", cwd=tmp_path)
    assert findings(report) == [("KL010", 7, 'unknown field "colour" in Widget spec; did you mean "color"?')]
    (tmp_path / ".k8slint.yaml").write_text("schema-locations: [catalog]\n")
    assert [f[0] for f in findings(run_json("widget.yaml", cwd=tmp_path)[1])] == ["KL010"]


def test_crds_themselves_are_validated(tmp_path):
    (tmp_path / "crd.yaml").write_text(CRD.replace("  scope: Namespaced", "  scope: Namespaced\n  scopes: x"))
    assert [f[0] for f in findings(run_json("crd.yaml", cwd=tmp_path)[1])] == ["KL010"]


def test_conversion_of_openapi_keywords():
    converted = crd_to_json_schema({
        "type": "object",
        "properties": {
            "n": {"type": "integer", "minimum": 1, "exclusiveMinimum": True},
            "s": {"type": "string", "nullable": True, "description": "x"},
            "o": {"type": "object", "properties": {"a": {"type": "string"}}},
            "free": {"type": "object", "x-kubernetes-preserve-unknown-fields": True},
        },
    })
    props = converted["properties"]
    assert props["n"] == {"type": "integer", "exclusiveMinimum": 1}
    assert props["s"] == {"type": ["string", "null"]}
    assert props["o"]["additionalProperties"] is False
    assert "additionalProperties" not in props["free"]
    assert set(props) >= {"apiVersion", "kind", "metadata"}


@needs_shared
def test_kubeconform_custom_resource_with_its_crd():
    """kubeconform's test_crd.yaml (a sagemaker TrainingJob) is valid against its CRD
    (an apiextensions.k8s.io/v1beta1 CRD, given as context)."""
    fixtures = CORPUS / "peers" / "kubeconform" / "fixtures"
    code, report = run_json(
        str(fixtures / "test_crd.yaml"), "--context", str(fixtures / "registry" / "sagemaker.aws.amazon.com_trainingjobs.yaml")
    )
    assert report["findings"] == [] and code == 0
