"""User rule packs (--rules-dir / rules-dirs): loaded, validated with located errors, run."""
import textwrap

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from k8slint.rule_packs import parse_path, walk
from tests.conftest import run_cli, run_json

PACK = textwrap.dedent("""\
    rules:
      - code: ACME001
        name: require-team-label
        severity: warning
        category: policy
        summary: Every workload's pods carry a team label.
        why: The on-call rota is found by the team label.
        example: "labels: {app: web}"
        use_instead: "labels: {app: web, team: payments}"
        match:
          kinds: [Deployment]
          path: spec.template.metadata.labels
        require: {required: [team]}
        message: '{kind} {name} has no "team" label on its pods'
        help: add team to spec.template.metadata.labels
      - code: ACME002
        name: no-host-network
        severity: error
        category: policy
        summary: Pods do not use the host network.
        why: Host networking bypasses network policies.
        example: "hostNetwork: true"
        use_instead: "hostNetwork: false"
        match:
          pod: hostNetwork
        require: {const: false}
        message: pods of {kind} {name} use the host network
    """)
DEPLOY = textwrap.dedent("""\
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: web
    spec:
      selector:
        matchLabels: {app: web}
      template:
        metadata:
          labels: {app: web}
        spec:
          hostNetwork: true
          containers:
            - name: web
              image: nginx:1.27
    """)


def setup(tmp_path, pack=PACK):
    (tmp_path / "policies").mkdir()
    (tmp_path / "policies" / "acme.yaml").write_text(pack)
    (tmp_path / "deploy.yaml").write_text(DEPLOY)


def test_pack_rules_run_with_rules_dir(tmp_path):
    setup(tmp_path)
    code, report = run_json("deploy.yaml", "--rules-dir", "policies", cwd=tmp_path)
    found = [(f["rule"], f["name"], f["severity"], f["line"], f["message"]) for f in report["findings"]]
    assert found == [
        ("ACME001", "require-team-label", "warning", 10, 'Deployment web has no "team" label on its pods'),
        ("ACME002", "no-host-network", "error", 12, "pods of Deployment web use the host network"),
    ]
    assert code == 1


def test_pack_from_configuration_and_listed_by_rules_and_explain(tmp_path):
    setup(tmp_path)
    (tmp_path / ".k8slint.yaml").write_text("rules-dirs: [policies]\nignore: [ACME002]\n")
    code, report = run_json("deploy.yaml", cwd=tmp_path)
    assert [f["rule"] for f in report["findings"]] == ["ACME001"]
    code, out, err = run_cli("rules", "--rules-dir", "policies", cwd=tmp_path)
    assert "ACME001  require-team-label" in out
    code, out, err = run_cli("explain", "require-team-label", "--rules-dir", "policies", cwd=tmp_path)
    assert code == 0 and out.startswith("# ACME001 require-team-label")


@pytest.mark.parametrize(
    "change, where, says",
    [
        (("severity: warning", "severity: fatal"), ":4:15:", "invalid rule pack"),
        (("    name: require-team-label\n", ""), ":2:5:", '"name" is a required property'),
        (("code: ACME001", "code: acme-1"), ":2:11:", "does not match"),
        (("code: ACME002", "code: ACME001"), "", "rule code ACME001"),
        (("code: ACME002", "code: KL101"), "", "rule code KL101"),
        (("path: spec.template.metadata.labels", "path: spec..x"), ":12:13:", "invalid path segment"),
        (("require: {required: [team]}", "require: {type: 12}"), ":13:14:", "require is not a valid JSON Schema"),
        (("  - code: ACME001", "  - code: ACME001\n    extra: 1"), ":3:5:", "extra"),
        (("rules:\n", "rules:\n  bad: [\n"), ":", "YAML syntax error"),
    ],
)
def test_invalid_packs_are_located_errors(tmp_path, change, where, says):
    setup(tmp_path, PACK.replace(*change, 1))
    code, out, err = run_cli("check", "deploy.yaml", "--rules-dir", "policies", cwd=tmp_path)
    assert code == 2 and out == "", err
    assert "policies/acme.yaml" in err or "already used" in err
    assert where in err and says in err, err
    assert "Traceback" not in err


def test_missing_rules_dir_is_an_error(tmp_path):
    setup(tmp_path)
    code, out, err = run_cli("check", "deploy.yaml", "--rules-dir", "nope", cwd=tmp_path)
    assert code == 2 and "nope: rules directory not found" in err


def test_path_language():
    data = {"spec": {"a": [{"x": 1}, {"x": 2}], "b": [{"x": 3}], "c": {"k1": 1, "k2": 2}}}
    assert [p for p, _ in walk(data, (), parse_path("spec.{a,b}[*].x"))] == [
        ("spec", "a", 0, "x"), ("spec", "a", 1, "x"), ("spec", "b", 0, "x")]
    assert [v for _, v in walk(data, (), parse_path("spec.a[1].x"))] == [2]
    assert [p for p, _ in walk(data, (), parse_path("spec.c.*"))] == [("spec", "c", "k1"), ("spec", "c", "k2")]
    assert list(walk(data, (), parse_path("spec.missing[*]"))) == []


def _reference_parse_path(text):
    """parse_path as it was written with the pattern (the reference)."""
    import re

    segments = []
    if text.strip() == ".":
        return segments
    for part in text.split("."):
        m = re.fullmatch(r"(\{[^}]*\}|\*|[^.\[\]{}*]+)((?:\[(?:\*|\d+)\])*)", part)
        if not m:
            raise ValueError(f"invalid path segment {part!r} in {text!r}")
        key, indexes = m.group(1), m.group(2)
        keys = tuple(k.strip() for k in key[1:-1].split(",")) if key.startswith("{") else (key,)
        idx = [None if i == "*" else int(i) for i in re.findall(r"\[(\*|\d+)\]", indexes)]
        segments.append((keys, idx))
    return segments


def _outcome(parse, text):
    try:
        return parse(text)
    except ValueError as err:
        return str(err)


_PATH_PIECES = ["a", "b_c", "*", "{", "}", "[", "]", ".", ",", " ", "0", "12", "\u0663", "\u00b2", "x*"]


@given(st.lists(st.sampled_from(_PATH_PIECES)).map("".join) | st.text())
@example("{initContainers,containers}[*].env[*]")
@example("spec.{a, b}[0][*].c")
@example("a[\u0663]")  # an Arabic-Indic digit: \d and int() read it
@example("a[\u00b2]")  # a superscript: neither does
@example("*abc")
@example("a[*]]")
@example("{a[1]}[2]")
def test_path_parsing_matches_the_pattern(text):
    assert _outcome(parse_path, text) == _outcome(_reference_parse_path, text)


@pytest.mark.parametrize("template", [
    "{name} uses {value}", "{missing} x", "{0}", "{}", "{a.b}", "{a[0]}", "{", "}", "{{literal}}", "{name!r:>8}",
    "{value:{width}}", "",
])
def test_message_templates_fill_like_string_formatter(template):
    """Pack messages are filled with str.format_map; what string.Formatter gave is kept, a
    template that cannot be filled included (it is reported as written)."""
    import string

    from k8slint.rule_packs import _Fields, _format

    fields = {"name": "web", "value": 3, "width": 5, "a": "x"}
    try:
        expected = string.Formatter().vformat(template, (), _Fields(fields))
    except (ValueError, IndexError, AttributeError, KeyError):
        expected = template
    assert _format(template, fields) == expected
