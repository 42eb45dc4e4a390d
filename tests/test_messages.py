"""Each kind of schema message: exact wording, exact position, and no noise."""
import textwrap

from tests.conftest import run_json


def check(yaml_text, *args):
    code, report = run_json("-", "--stdin-filename", "m.yaml", *args, stdin=textwrap.dedent(yaml_text).encode())
    return code, report["findings"]


DEPLOY = """\
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
"""


def one(findings):
    assert len(findings) == 1, findings
    f = findings[0]
    return f["rule"], f["line"], f["column"], f["message"], f["help"], f["path"]


def test_valid_deployment_has_no_findings():
    code, findings = check(DEPLOY)
    assert code == 0 and findings == []


def test_unknown_field_at_the_key_with_did_you_mean_and_no_missing_noise():
    code, findings = check(DEPLOY.replace("      containers:", "      contianers:"))
    assert code == 1
    assert one(findings) == (
        "KL010", 12, 7,
        'unknown field "contianers" in Deployment spec.template.spec; did you mean "containers"?',
        'rename "contianers" to "containers"', "spec.template.spec.contianers",
    )


def test_unknown_field_without_suggestion_lists_allowed_fields():
    _, findings = check(DEPLOY.replace("  name: web\nspec:", "  name: web\n  owner: me\nspec:"))
    rule, line, col, message, help, path = one(findings)
    assert (rule, line, col, path) == ("KL010", 5, 3, "metadata.owner")
    assert message == 'unknown field "owner" in Deployment metadata'
    assert help.startswith("remove it or check its indentation")


def test_enum_typo_at_the_value():
    _, findings = check(DEPLOY + "          imagePullPolicy: Allways\n")
    assert one(findings) == (
        "KL012", 15, 28,
        'imagePullPolicy: invalid value "Allways"; must be one of Always, IfNotPresent, Never',
        'did you mean "Always"?', "spec.template.spec.containers[0].imagePullPolicy",
    )


def test_enum_case_mismatch_suggests_the_right_case():
    _, findings = check(DEPLOY.replace("    spec:\n      containers", "    spec:\n      dnsPolicy: clusterfirst\n      containers"))
    assert one(findings)[4] == 'did you mean "ClusterFirst"?'


def test_wrong_type_names_both_types():
    _, findings = check(DEPLOY.replace("spec:\n  selector", 'spec:\n  replicas: two\n  selector'))
    assert one(findings)[:4] == ("KL011", 6, 13, 'replicas: expected integer, got string "two"')


def test_yaml11_boolean_in_env_value_says_quote_it():
    _, findings = check(DEPLOY + "          env:\n            - name: DEBUG\n              value: yes\n")
    assert one(findings) == (
        "KL011", 17, 22,
        "value: expected string, got boolean true (unquoted yes is a YAML 1.1 boolean)",
        'quote it: "yes"', "spec.template.spec.containers[0].env[0].value",
    )


def test_octal_in_string_field():
    _, findings = check(DEPLOY + "          env:\n            - name: MODE\n              value: 0755\n")
    rule, line, col, message, help, _ = one(findings)
    assert message == "value: expected string, got integer 493 (unquoted 0755 is an octal number)"
    assert help == 'quote it: "0755"'


def test_missing_required_field_at_parent():
    _, findings = check(DEPLOY.replace("        - name: web\n          image", "        - image"))
    assert one(findings)[:5] == (
        "KL013", 13, 11, 'containers[0] has no "name"', 'add the required field "name"'
    )


def test_split_env_item_is_explained():
    _, findings = check(DEPLOY + "          env:\n            - name: AUTH\n            - value: x\n")
    # KL101 explains the split once; the schema's "env[1] has no name" is folded into it.
    rule, line, col, message, help, path = one(findings)
    assert (rule, line, col) == ("KL101", 17, 15)
    assert message == 'env var "AUTH" is split across two list items: env[0] has only "name" and env[1] only "value"'
    assert help == 'remove the "-" before "value" and indent it like "name", so that both belong to one item'
    assert path == "spec.template.spec.containers[0].env[1]"
    # With KL101 off, the schema finding is back.
    _, findings = check(DEPLOY + "          env:\n            - name: AUTH\n            - value: x\n", "--ignore", "KL101")
    assert [f["rule"] for f in findings] == ["KL102", "KL013"]


def test_null_is_accepted_for_int_or_string():
    _, findings = check(
        "apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec:\n  ports:\n    - port: 80\n      targetPort: null\n"
    )
    assert findings == []


def test_wrong_api_version_suggests_the_served_one():
    _, findings = check(DEPLOY.replace("apps/v1", "apps/v1beta1"))
    rule, line, col, message, help = one(findings)[:5]
    assert (rule, line, col) == ("KL020", 1, 13)
    assert message == (
        "Deployment apps/v1beta1 was removed in Kubernetes 1.16 (deprecated since 1.8); it is not served in Kubernetes 1.37"
    )
    assert help.startswith("use apiVersion: apps/v1 (served since Kubernetes 1.9); apps/v1: spec.selector is required")


def test_api_version_in_old_kubernetes():
    _, findings = check(
        "apiVersion: autoscaling/v2beta2\nkind: HorizontalPodAutoscaler\nmetadata: {name: h}\n"
        "spec: {scaleTargetRef: {kind: Deployment, name: web}, maxReplicas: 3}\n",
        "--kubernetes-version", "1.25", "--ignore", "KL305",
    )
    # Still served in 1.25, but deprecated: a warning that names the replacement.
    assert one(findings)[:5] == (
        "KL023", 1, 13, "HorizontalPodAutoscaler autoscaling/v2beta2 is deprecated since Kubernetes 1.23 and removed in 1.26",
        "use apiVersion: autoscaling/v2 (served since Kubernetes 1.23)",
    )
    _, findings = check(
        "apiVersion: autoscaling/v2beta2\nkind: HorizontalPodAutoscaler\nmetadata: {name: h}\n"
        "spec: {scaleTargetRef: {kind: Deployment, name: web}, maxReplicas: 3}\n",
        "--kubernetes-version", "1.25", "--ignore", "KL305,KL023",
    )
    assert findings == []
    _, findings = check(
        "apiVersion: autoscaling/v2beta2\nkind: HorizontalPodAutoscaler\nmetadata: {name: h}\n"
        "spec: {scaleTargetRef: {kind: Deployment, name: web}, maxReplicas: 3}\n", "--ignore", "KL305",
    )
    assert one(findings)[0] == "KL020"


def test_misspelt_kind_suggests_the_closest():
    _, findings = check(DEPLOY.replace("kind: Deployment", "kind: Deploymnet"))
    assert one(findings)[:5] == (
        "KL021", 2, 7, 'apps/v1 has no kind "Deploymnet" in Kubernetes 1.37', 'did you mean "Deployment"?'
    )


def test_kind_in_wrong_group_points_at_the_right_api_version():
    _, findings = check("apiVersion: v1\nkind: Deployment\nmetadata: {name: x}\n")
    assert one(findings)[:5] == (
        "KL020", 1, 13, "Deployment is not served as v1 in Kubernetes 1.37", 'use "apiVersion: apps/v1"'
    )


def test_custom_resource_is_info_once_per_kind_and_error_with_strict_kinds():
    cr = "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: a}\n---\napiVersion: example.com/v1\nkind: Widget\nmetadata: {name: b}\n"
    code, findings = check(cr)
    assert code == 0
    assert [(f["rule"], f["severity"], f["line"]) for f in findings] == [("KL022", "info", 2)]
    code, findings = check(cr, "--strict-kinds")
    assert code == 1 and findings[0]["severity"] == "error"


def test_findings_carry_the_object():
    _, findings = check(DEPLOY.replace("  name: web\nspec", "  name: web\n  namespace: prod\nspec").replace("      containers:", "      contianers:"))
    assert findings[0]["object"] == {"apiVersion": "apps/v1", "kind": "Deployment", "namespace": "prod", "name": "web"}


def test_list_items_are_objects_located_inside_the_list():
    text = (
        "apiVersion: v1\nkind: List\nitems:\n"
        "  - apiVersion: v1\n    kind: ConfigMap\n    metadata: {name: a}\n"
        "  - apiVersion: v1\n    kind: ConfigMap\n    metadata: {name: b}\n    data: {k: 1}\n"
    )
    code, report = run_json("-", stdin=text.encode())
    (f,) = report["findings"]
    assert (f["rule"], f["line"], f["column"], f["path"]) == ("KL011", 10, 15, "items[1].data.k")
    assert f["object"]["name"] == "b"
    assert report["summary"]["objects"] == 2


def test_partial_object_from_kustomize_patch(tmp_path):
    (tmp_path / "kustomization.yaml").write_text("resources: [deploy.yaml]\npatches:\n  - path: patch.yaml\n")
    (tmp_path / "deploy.yaml").write_text(DEPLOY)
    (tmp_path / "patch.yaml").write_text(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  replicas: 3\n  template:\n"
        "    spec:\n      containers:\n        - name: web\n          resources: {limits: {memory: 1Gi}}\n"
        "          imagePullPolicy: Allways\n"
    )
    code, report = run_json(str(tmp_path))
    rules = [(f["file"].rsplit("/", 1)[-1], f["rule"]) for f in report["findings"]]
    # Nothing is reported missing (no selector, no image), but what is there is checked.
    assert rules == [("patch.yaml", "KL012")]
    assert report["summary"]["skipped"] == 1  # the kustomization itself


def test_patch_checked_alone_is_still_partial(tmp_path):
    (tmp_path / "overlay").mkdir()
    (tmp_path / "kustomization.yaml").write_text("resources: [deploy.yaml]\npatches:\n  - path: overlay/patch.yaml\n")
    (tmp_path / "overlay" / "patch.yaml").write_text(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  replicas: 3\n"
    )
    code, report = run_json("overlay/patch.yaml", cwd=tmp_path)
    assert code == 0 and report["findings"] == []
    code, report = run_json(str(tmp_path / "overlay" / "patch.yaml"))  # from elsewhere: own folder only
    assert {f["rule"] for f in report["findings"]} == {"KL013"}  # selector, template, spec.template.spec missing


def test_non_finite_numbers_are_reported_once():
    _, findings = check(DEPLOY + "          resources:\n            limits:\n              cpu: .inf\n")
    assert one(findings)[:4] == ("KL011", 17, 20, ".inf is not a finite number; Kubernetes cannot represent it in JSON")


def test_an_object_rule_folds_an_index_rule_finding_on_the_same_value():
    # KL622 (object rule) says why "grpc_port" is invalid; KL303 (index rule) would add that no
    # container declares it. Folds apply across both phases, so only the better one is left.
    service = (
        "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  selector: {app: web}\n"
        "  ports:\n    - {name: http, port: 80, targetPort: grpc_port}\n---\n"
        "apiVersion: v1\nkind: Pod\nmetadata: {name: web, labels: {app: web}}\nspec:\n  containers:\n"
        "    - name: web\n      image: nginx:1.25\n      ports: [{name: http, containerPort: 8080}]\n"
    )
    _, findings = check(service)
    assert [(f["rule"], f["line"], f["column"]) for f in findings] == [("KL622", 7, 42)]
    _, findings = check(service, "--ignore", "KL622")
    assert [(f["rule"], f["line"], f["column"]) for f in findings] == [("KL303", 7, 42)]


def test_two_missing_fields_of_one_object_are_two_findings_not_four():
    _, findings = check(
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  topologySpreadConstraints:\n"
        "    - topologyKey: zone\n      labelSelector: {matchLabels: {app: p}}\n"
        "  containers:\n    - {name: a, image: \"nginx:1.25\"}\n",
    )
    assert [(f["rule"], f["line"], f["message"]) for f in findings] == [
        ("KL013", 6, 'topologySpreadConstraints[0] has no "maxSkew"'),
        ("KL013", 6, 'topologySpreadConstraints[0] has no "whenUnsatisfiable"'),
    ]
