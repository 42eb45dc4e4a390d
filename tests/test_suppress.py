"""Suppressions: annotations, inline comments, per-path ignores, and unused ones (KL901)."""
import textwrap

from tests.conftest import run_json


def check(tmp_path, text, *args):
    (tmp_path / "m.yaml").write_text(text)
    code, report = run_json("m.yaml", *args, cwd=tmp_path)
    return code, [(f["rule"], f["line"]) for f in report["findings"]]


CM = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c{annotations}\ndata:\n  a: 1{same}\n  b: 2\n"


def test_inline_comment_on_the_line(tmp_path):
    code, found = check(tmp_path, CM.format(annotations="", same="  # k8slint: ignore[KL011]"))
    assert found == [("KL011", 7)] and code == 1  # a trailing comment covers its own line only


def test_inline_comment_on_the_line_before_and_by_name(tmp_path):
    text = CM.format(annotations="", same="").replace("  b: 2", "  # k8slint: ignore[wrong-type] legacy consumer\n  b: 2")
    code, found = check(tmp_path, text)
    assert found == [("KL011", 6)]


def test_bare_ignore_suppresses_every_rule_on_the_line(tmp_path):
    code, found = check(tmp_path, CM.format(annotations="", same="  # k8slint: ignore"))
    assert found == [("KL011", 7)]


def test_comment_for_another_rule_does_not_suppress(tmp_path):
    code, found = check(tmp_path, CM.format(annotations="", same="  # k8slint: ignore[KL012]"))
    assert found == [("KL011", 6), ("KL011", 7)]


def test_annotation_with_reason_covers_the_whole_object(tmp_path):
    annotations = '\n  annotations:\n    k8slint.io/ignore: "KL011: read by a tool that wants numbers"'
    code, found = check(tmp_path, CM.format(annotations=annotations, same=""))
    assert found == [] and code == 0


def test_annotation_star_and_other_objects(tmp_path):
    text = CM.format(annotations='\n  annotations: {k8slint.io/ignore: "*"}', same="") + "---\n" + CM.format(
        annotations="", same=""
    ).replace("name: c", "name: d")
    code, found = check(tmp_path, text)
    assert found == [("KL011", 15), ("KL011", 16)]


def test_index_rule_findings_are_suppressed_by_annotation(tmp_path):
    text = textwrap.dedent("""\
        apiVersion: v1
        kind: Service
        metadata:
          name: web
          annotations:
            k8slint.io/ignore: "service-selector-mismatch: pods come from the operator"
        spec:
          selector: {app: web}
          ports: [{port: 80}]
        """)
    assert check(tmp_path, text)[1] == []


def test_unused_suppressions_are_reported_only_when_enabled(tmp_path):
    text = CM.format(annotations='\n  annotations: {k8slint.io/ignore: "KL012"}', same="  # k8slint: ignore[KL011]")
    code, found = check(tmp_path, text)
    assert found == [("KL011", 8)]
    code, found = check(tmp_path, text, "--select", "KL011,KL901")
    assert found == [("KL901", 5), ("KL011", 8)]


def test_unknown_codes_in_suppressions_are_unused_not_errors(tmp_path):
    code, found = check(tmp_path, CM.format(annotations="", same="  # k8slint: ignore[KL999]"), "--select", "KL011,KL901")
    assert found == [("KL011", 6), ("KL901", 6), ("KL011", 7)]
