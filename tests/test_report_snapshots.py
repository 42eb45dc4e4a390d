"""Snapshots of the exact reports users see, for the layouts positions must survive:
multi-document files, flow style, block scalars, JSON input and stdin."""
import json

import pytest

from tests.conftest import run_cli

CASES = {
    "multi_document": (
        "multi.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  ok: 'yes'\n---\n# second\n"
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\ndata:\n  enabled: yes\n---\n"
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: c\nspec:\n  type: Nodeport\n  ports:\n  - port: 80\n",
    ),
    "flow_style": (
        "flow.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata: {name: web, labels: {app: web, tier: 1}}\n"
        "spec: {containers: [{name: web, image: 'nginx:1.27', ports: [{containerPort: '80'}]}]}\n",
    ),
    "block_scalars": (
        "block.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: scripts\n  annotations:\n    note: >\n      folded\n      text\n"
        "data:\n  run.sh: |\n    #!/bin/sh\n    echo hi\n  count: 3\nbinaryData: >-\n  aGVsbG8=\n",
    ),
    "json_input": (
        "pod.json",
        '{\n  "apiVersion": "v1",\n  "kind": "Pod",\n  "metadata": {"name": "p"},\n'
        '  "spec": {\n    "restartPolicy": "always",\n    "containers": [{"name": "c", "image": "x:1", "imagePullPolicy": null}]\n  }\n}\n',
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("fmt", ["text", "json"])
def test_report_snapshot(case, fmt, tmp_path, snapshot):
    name, content = CASES[case]
    (tmp_path / name).write_text(content)
    code, out, err = run_cli("check", "--no-color", "--format", fmt, name, cwd=tmp_path)
    assert err == ""
    snapshot.assert_match(f"exit {code}\n{out}", f"{case}.{fmt}.txt")


def test_stdin_report_snapshot(snapshot):
    content = CASES["multi_document"][1].encode()
    code, out, err = run_cli("check", "--no-color", "-", "--stdin-filename", "rendered.yaml", stdin=content)
    snapshot.assert_match(f"exit {code}\n{out}", "stdin.text.txt")
    code, out, err = run_cli("check", "--format", "json", "-", stdin=content)
    assert {f["file"] for f in json.loads(out)["findings"]} == {"<stdin>"}
