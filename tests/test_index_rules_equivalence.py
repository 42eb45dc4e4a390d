"""Cases that the shortcuts of the index rules must get right: KL303 reads the pod templates a
selector selects only as far as a lookup needs, KL501 keys only objects that share a folder
and a name, KL404 walks the pod templates namespace by namespace."""
from __future__ import annotations

import textwrap

from tests.conftest import run_json

SERVICE = """\
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: {app: web}
  ports:
    - port: 80
      targetPort: %s
"""
DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: %s
spec:
  replicas: 1
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: app
          image: web:1.0
          ports:
            - containerPort: %s
              %s
"""


def _write(path, *documents):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("---\n".join(textwrap.dedent(d) for d in documents))


def _findings(tree, rule):
    _, report = run_json(str(tree), "--select", rule)
    return [f for f in report["findings"] if f["rule"] == rule]


def test_a_target_port_declared_by_a_later_pod_template_is_found(tmp_path):
    _write(tmp_path / "app.yaml", SERVICE % 9090, DEPLOYMENT % ("a", 8080, ""), DEPLOYMENT % ("b", 9090, ""))
    assert _findings(tmp_path, "KL303") == []
    _write(tmp_path / "app.yaml", SERVICE % "metrics", DEPLOYMENT % ("a", 8080, ""),
           DEPLOYMENT % ("b", 9090, "name: metrics"))
    assert _findings(tmp_path, "KL303") == []


def test_a_missing_target_port_lists_the_ports_of_every_selected_pod_template(tmp_path):
    # A second Service with the same selector is looked up after the first has read them all.
    _write(tmp_path / "app.yaml", SERVICE % 8080, SERVICE.replace("name: web", "name: web2") % 7070,
           DEPLOYMENT % ("a", 8080, ""), DEPLOYMENT % ("b", 9090, "name: metrics"))
    (finding,) = _findings(tmp_path, "KL303")
    assert finding["message"] == (
        "Service default/web2 port 80 targets port 7070, but the containers it selects declare only "
        "8080, 9090 (metrics)"
    )
    _write(tmp_path / "app.yaml", SERVICE % "metrics", DEPLOYMENT % ("a", 8080, "name: http"),
           DEPLOYMENT % ("b", 9090, "name: metrics\n              protocol: UDP"))
    (finding,) = _findings(tmp_path, "KL303")
    assert finding["message"] == (
        'Service default/web port 80 targets port "metrics" over TCP, but container app of '
        'Deployment default/b declares "metrics" as UDP'
    )


def test_copies_are_looked_for_in_each_folder(tmp_path):
    for folder in ("dev", "prod"):
        _write(tmp_path / folder / "web.yaml", DEPLOYMENT % ("web", 8080, ""))
    _write(tmp_path / "prod" / "web-copy.yaml", DEPLOYMENT % ("web", 8081, ""))
    files = sorted(f["file"].rsplit("/", 2)[-2:] for f in _findings(tmp_path, "KL501"))
    assert files == [["prod", "web-copy.yaml"], ["prod", "web.yaml"]]


CLAIM = """\
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: data
  namespace: %s
spec:
  accessModes: [ReadWriteOnce]
"""
POD = """\
apiVersion: v1
kind: Pod
metadata:
  name: %s
  namespace: %s
spec:
  containers:
    - name: app
      image: app:1.0
  volumes:
    - name: data
      persistentVolumeClaim:
        claimName: data
"""


def test_the_users_of_a_claim_are_named_in_file_order_within_its_namespace(tmp_path):
    _write(tmp_path / "pods.yaml", CLAIM % "b", CLAIM % "a", POD % ("p1", "b"), POD % ("q1", "a"),
           POD % ("p2", "b"), POD % ("p3", "b"))
    messages = [f["message"] for f in _findings(tmp_path, "KL404")]
    assert messages[0] == (
        "Pod b/p1 mounts PersistentVolumeClaim data (ReadWriteOnce), which Pod b/p2, Pod b/p3 also mount"
    )
    assert len(messages) == 3  # q1 is alone in namespace a
