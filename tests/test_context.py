"""Cross-object rules and the project context: a file checked alone (as a pre-commit hook
passes it) is matched against the objects of --context, which are never reported on."""
import textwrap

from tests.conftest import run_json

DEPLOYMENT = textwrap.dedent("""\
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
          containers:
            - name: web
              image: nginx:1.27
              image: nginx:1.26
    """)
SERVICE = textwrap.dedent("""\
    apiVersion: v1
    kind: Service
    metadata:
      name: web
    spec:
      selector: {app: web}
      ports:
        - port: 80
    """)


def project(tmp_path):
    (tmp_path / "deploy").mkdir()
    (tmp_path / "deploy" / "deployment.yaml").write_text(DEPLOYMENT)
    (tmp_path / "deploy" / "service.yaml").write_text(SERVICE)
    return tmp_path


def kl301(report):
    return [f for f in report["findings"] if f["rule"] == "KL301"]


def test_service_checked_alone_with_context_finds_its_deployment(tmp_path):
    root = project(tmp_path)
    code, report = run_json("deploy/service.yaml", "--context", ".", cwd=root)
    assert kl301(report) == []
    # The context is read, never reported on: the Deployment's duplicate key is not shown.
    assert [f["file"] for f in report["findings"]] == []
    assert report["summary"]["files"] == 1


def test_without_context_only_the_checked_paths_are_read(tmp_path):
    root = project(tmp_path)
    code, report = run_json("deploy/service.yaml", cwd=root)
    assert [f["line"] for f in kl301(report)] == [6]
    assert "--context" in kl301(report)[0]["help"]


def test_removing_the_deployment_makes_the_finding_appear(tmp_path):
    root = project(tmp_path)
    (root / "deploy" / "deployment.yaml").unlink()
    code, report = run_json("deploy/service.yaml", "--context", ".", cwd=root)
    (finding,) = kl301(report)
    assert finding["file"] == "deploy/service.yaml" and finding["severity"] == "error"
    assert code == 1


def test_context_from_configuration(tmp_path):
    root = project(tmp_path)
    (root / ".k8slint.yaml").write_text("context: [deploy]\n")
    code, report = run_json("deploy/service.yaml", cwd=root)
    assert kl301(report) == []


def test_context_objects_in_other_namespaces_do_not_match(tmp_path):
    root = project(tmp_path)
    text = DEPLOYMENT.replace("  name: web\nspec", "  name: web\n  namespace: prod\nspec")
    (root / "deploy" / "deployment.yaml").write_text(text)
    code, report = run_json("deploy/service.yaml", "--context", ".", cwd=root)
    assert len(kl301(report)) == 1
    (root / ".k8slint.yaml").write_text("default-namespace: prod\n")
    code, report = run_json("deploy/service.yaml", "--context", ".", cwd=root)
    assert kl301(report) == []


def test_a_broken_neighbour_does_not_cascade(tmp_path):
    root = project(tmp_path)
    (root / "deploy" / "deployment.yaml").write_text(DEPLOYMENT.replace("  name: web\nspec", "  name: web\n   bad: indent\nspec"))
    code, report = run_json("deploy", cwd=root)
    assert [f["rule"] for f in report["findings"]] == ["KL001"]
