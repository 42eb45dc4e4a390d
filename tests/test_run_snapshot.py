"""A cached run answered from the snapshot of the run before (k8slint.run_snapshot) reports
exactly what a run without the cache reports.

Files are edited at random, some edits keep what the index rules read (an image, resources, a
comment that moves every line after it), others change it (names, labels, ports, removed
documents, removed or copied files); after each edit the cached run is compared with a cold
one. And no index rule may read the container fields the snapshot leaves out of its facts."""
from __future__ import annotations

import functools
import json
import random
import re
import shutil
import traceback

import pytest

from k8slint import run_snapshot
from tests.conftest import CORPUS, FIXTURES, ROOT, needs_shared, run_cli


@pytest.fixture(autouse=True)
def cache_on(monkeypatch):
    monkeypatch.delenv("K8SLINT_NO_CACHE", raising=False)


@pytest.fixture()
def answered(monkeypatch):
    """The runs the snapshot answered: for each, the files whose final findings it made again
    (the changed ones, and after a rerun of the index rules those the change reached)."""
    calls = []
    real = run_snapshot._assemble

    def counting(*args, **kwargs):
        calls.append(args[6])  # the changed files
        return real(*args, **kwargs)

    monkeypatch.setattr(run_snapshot, "_assemble", counting)
    return calls


@pytest.fixture()
def reran(monkeypatch):
    """How many answered runs ran the index rules again (a changed file's facts changed)."""
    calls = []
    from k8slint import snapshot_rerun

    real = snapshot_rerun.rerun

    def counting(*args, **kwargs):
        calls.append(args[5])
        return real(*args, **kwargs)

    monkeypatch.setattr(snapshot_rerun, "rerun", counting)
    return calls


def _check(tree, cache, *extra, fmt="json"):
    args = ["check", "-f", fmt, "--no-color", *extra]
    args += ["--no-cache"] if cache is None else ["--cache-dir", str(cache)]
    return run_cli(*args, str(tree.name), cwd=tree.parent)


# Edits that keep the facts: a container's image, pull policy or resources, a comment.
_KEEPING = re.compile(r"^(\s*-?\s*(?:image|imagePullPolicy|cpu|memory|initialDelaySeconds|periodSeconds|"
                     r"runAsUser|workingDir|LOG_LEVEL|log_level|password|username|[a-z_]+\.(?:conf|properties|json)|"
                     r"[a-z.]+/[a-z-]+):"
                     r"\s*)(\S.*)$", re.M)
# A block mapping of labels: "labels:" and the indentation of its first label.
_LABELS = re.compile(r"^([ ]*)labels:[ ]*\n(?=(\1[ ]+)[^\s#-])", re.M)
_FLOW_LABELS = re.compile(r"\blabels:[ ]*\{")  # and a flow mapping
# Edits that change them (most of the time).
_CHANGING = re.compile(r"^(\s*-?\s*(?:app|name|claimName|serviceName|namespace|tier|component|port|targetPort|"
                       r"replicas|secretName|configMap|key|storage|value):\s*)(\S.*)$", re.M)


def _edit(rng, tree, hows=("keep", "keep", "keep", "comment", "comment", "change", "change", "drop-document",
                            "remove", "copy", "swap", "label", "label")):
    files = sorted(p for p in tree.rglob("*") if p.is_file() and p.suffix in (".yaml", ".yml", ".json"))
    target = rng.choice(files)
    text = target.read_text(encoding="utf-8", errors="surrogateescape")
    how = rng.choice(hows)
    keeping, changing = list(_KEEPING.finditer(text)), list(_CHANGING.finditer(text))
    labelled = [*_LABELS.finditer(text), *_FLOW_LABELS.finditer(text)]
    if how == "relabel" and labelled:
        # a label's value changed (its key kept): the first label of a block mapping of labels
        blocks = [m for m in labelled if m.re is _LABELS]
        m = rng.choice(blocks) if blocks else None
        first = re.compile(r"([^\s:#]+):[ ]*(\S[^\n]*)\n").match(text, m.end() + len(m.group(2))) if m else None
        if first is None:
            return "nothing"
        value = first.group(2)
        new = rng.choice([value.strip('"') + "-b", "web", "db", "nginx", "frontend", value])
        text = text[:first.start(2)] + new + text[first.end(2):]
    elif how == "label" and labelled:
        # a label added to a mapping of labels: most keys are ones no selector names
        m = rng.choice(labelled)
        label = rng.choice(["version: v2", "team: a", "zone: b", "app: web", "tier: db", "release: x"])
        if m.re is _LABELS:
            label = f"{m.group(2)}{label}\n"
        elif not text[m.end():].lstrip().startswith("}"):
            label += ", "
        text = text[:m.end()] + label + text[m.end():]
    elif how == "keep" and keeping:
        m = rng.choice(keeping)
        new = rng.choice(["nginx:1.27.3", "registry.local:5000/app@sha256:" + "a" * 64, "Always", "250m", "1Gi",
                          m.group(2) + "x", '"' + m.group(2).strip('"') + '"'])
        text = text[:m.start(2)] + new + text[m.end(2):]
    elif how == "change" and changing:
        m = rng.choice(changing)
        new = rng.choice(["web", "db", "8080", "other", "data", "default", "kube-system", m.group(2) + "x",
                          "debug", "http://web.default:80/x", "db.default.svc:5432"])
        text = text[:m.start(2)] + new + text[m.end(2):]
    elif how == "drop-document" and "\n---" in text:
        parts = text.split("\n---")
        del parts[rng.randrange(len(parts))]
        text = "\n---".join(parts)
    elif how == "remove":
        target.unlink()
        return f"removed {target.name}"
    elif how == "copy":
        copy = target.with_name(f"copy-{rng.randrange(10**6)}{target.suffix}")
        shutil.copyfile(target, copy)
        return f"copied {target.name}"
    elif how == "swap":
        other = rng.choice(files)
        text = other.read_text(encoding="utf-8", errors="surrogateescape")
    elif target.suffix != ".json":  # a comment that moves every line after it
        lines = text.split("\n")
        at = rng.randrange(len(lines) + 1)
        text = "\n".join([*lines[:at], "# edited", "", *lines[at:]])
        how = "comment"
    else:
        how = "nothing"
    target.write_text(text, encoding="utf-8", errors="surrogateescape")
    return f"{how} {target.name}"


def _edits_agree(tmp_path, source, edits, seed, *extra, hows=None):
    tree = tmp_path / "tree"
    shutil.copytree(source, tree)
    cache = tmp_path / "cache"
    rng = random.Random(seed)
    assert _check(tree, cache, *extra) == _check(tree, None, *extra)  # the run that leaves a snapshot
    assert _snapshots(cache) and _snapshots(cache, "held")
    for n in range(edits):
        what = _edit(rng, tree) if hows is None else _edit(rng, tree, hows)
        # the text report shows code frames of the changed files, SARIF fingerprints their
        # lines, JUnit lists every object
        fmt = ("json", "text", "json", "sarif", "json", "junit")[n % 6]
        cold = _check(tree, None, *extra, fmt=fmt)
        assert _check(tree, cache, *extra, fmt=fmt) == cold, f"edit {n}: {what}"


def _one_file_per_folder(tmp_path, source):
    """The manifests of ``source``, each in a folder of its own: fixture folders define the same
    Deployment in fail.yaml and pass.yaml, and a file with a duplicate object (KL501, which
    compares whole objects) is never answered from the snapshot."""
    tree = tmp_path / "split"
    for path in sorted(source.rglob("*")):
        if path.is_file() and path.suffix in (".yaml", ".yml", ".json"):
            folder = tree / "-".join(path.relative_to(source).parent.parts + (path.stem,))
            folder.mkdir(parents=True)
            shutil.copyfile(path, folder / path.name)
    return tree


def test_edits_of_the_fixtures(tmp_path, answered):
    _edits_agree(tmp_path, FIXTURES, 20, 1)


def test_edits_of_the_fixtures_one_file_per_folder(tmp_path, answered):
    _edits_agree(tmp_path, _one_file_per_folder(tmp_path, FIXTURES), 40, 5)
    assert len([c for c in answered if c]) >= 8, len(answered)  # the snapshot answered edited runs


def test_edits_of_the_fixtures_with_other_settings(tmp_path, answered):
    _edits_agree(tmp_path, _one_file_per_folder(tmp_path, FIXTURES), 15, 2, "--profile", "pss-restricted", "--complete")
    assert any(answered)


def test_edits_of_the_examples_and_cross_object_fixtures(tmp_path, answered):
    source = tmp_path / "source"
    shutil.copytree(ROOT / "examples", source / "examples")
    for name in ("KL301-service-selector-mismatch", "KL303-service-target-port", "KL404-rwo-claim-shared",
                 "KL501-duplicate-object", "KL708-service-address-not-found"):
        shutil.copytree(FIXTURES / name, source / name)
    _edits_agree(tmp_path, _one_file_per_folder(tmp_path, source), 30, 3)
    assert any(answered)


@needs_shared
def test_edits_of_the_real_corpus(tmp_path, answered):
    _edits_agree(tmp_path, CORPUS / "real", 15, 4)
    assert any(answered)


def _answers_of(monkeypatch, name):
    """What run_snapshot's function ``name`` answers, call after call (a list that fills)."""
    calls = []
    real = getattr(run_snapshot, name)

    def recording(*args, **kwargs):
        calls.append(real(*args, **kwargs))
        return calls[-1]

    monkeypatch.setattr(run_snapshot, name, recording)
    return calls


@pytest.fixture()
def unseen(monkeypatch):
    """The answers of run_snapshot.labels_unseen."""
    return _answers_of(monkeypatch, "labels_unseen")


@pytest.fixture()
def reaches(monkeypatch):
    """The answers of run_snapshot.reached: the files a label edit reaches, or None."""
    return _answers_of(monkeypatch, "reached")


def _some_reached_few(reaches, tree):
    """Some label edit reached fewer files than the tree has (and none reached none)."""
    files = sum(1 for p in tree.rglob("*") if p.is_file())
    assert any(r is not None and len(r) < files for r in reaches), reaches
    assert all(r is None or r for r in reaches)


def test_selected_label_edits_of_the_examples_and_selector_fixtures(tmp_path, reaches):
    # The fixtures that pass: their selectors select something, so that a did-you-mean does not
    # flag every pod template from the start (the failing fixtures are edited below)
    source = tmp_path / "source"
    shutil.copytree(ROOT / "examples", source / "examples")
    for name in ("KL301-service-selector-mismatch", "KL303-service-target-port", "KL306-pdb-selects-nothing",
                 "KL307-networkpolicy-selects-nothing", "KL308-statefulset-service-missing",
                 "KL310-pdb-blocks-eviction", "KL311-networkpolicy-peer-selects-nothing",
                 "KL312-servicemonitor-selects-nothing"):
        for path in (FIXTURES / name).glob("pass*"):
            (source / name).mkdir(exist_ok=True)
            shutil.copyfile(path, source / name / path.name)
    _edits_agree(tmp_path, source, 30, 8, hows=("relabel", "relabel", "relabel", "label"))
    _some_reached_few(reaches, source)


def test_selected_label_edits_of_the_fixtures(tmp_path, reaches):
    tree = _one_file_per_folder(tmp_path, FIXTURES)
    _edits_agree(tmp_path, tree, 30, 9, hows=("relabel",))
    assert reaches  # (did-you-means chose most of their pod templates: few edits reach few files)


@needs_shared
def test_selected_label_edits_of_the_real_corpus(tmp_path, reaches):
    _edits_agree(tmp_path, CORPUS / "real", 20, 10, hows=("relabel",))
    _some_reached_few(reaches, CORPUS / "real")


def test_label_edits_of_the_examples(tmp_path, unseen):
    _edits_agree(tmp_path, ROOT / "examples", 12, 6, hows=("label",))
    assert any(unseen), unseen  # some edit took the path (its selectors name app: edits of app are seen)


@needs_shared
def test_label_edits_of_the_real_corpus(tmp_path, unseen):
    _edits_agree(tmp_path, CORPUS / "real", 15, 7, hows=("label", "label", "label", "keep"))
    assert any(unseen), unseen  # some edit took the path


def test_an_image_bump_is_answered_by_the_snapshot(tmp_path, answered):
    tree = tmp_path / "tree"
    tree.mkdir()
    target = tree / "web.yaml"
    shutil.copyfile(FIXTURES / "KL303-service-target-port" / "fail.yaml", target)
    shutil.copyfile(FIXTURES / "KL708-service-address-not-found" / "fail.yaml", tree / "other.yaml")
    cache = tmp_path / "cache"
    before = _check(tree, cache)
    assert '"KL303"' in before[1]  # an index finding in the file to edit, to be located again
    target.write_text("# a new first line moves every finding below it\n"
                      + re.sub(r"image: (\S+)", r"image: \1-bumped", target.read_text(), count=1))
    after = _check(tree, cache)
    assert after == _check(tree, None) and after != before
    assert len(answered) == 1 and [c.source.display for c in answered[0]] == ["tree/web.yaml"]


_WORKLOAD = """apiVersion: apps/v1
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
          image: nginx:1.27.3
          ports:
            - containerPort: 8080
"""
_SERVICE = """apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: {app: web}
  ports:
    - port: 80
      targetPort: 8080
"""


def _workload_service_and_other(tmp_path):
    """(tree, cache) of a cached run of a Deployment, the Service selecting its pods and a
    ConfigMap, each in a file of its own."""
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "a-workload.yaml").write_text(_WORKLOAD)
    (tree / "b-service.yaml").write_text(_SERVICE)
    (tree / "c-other.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: other\n")
    cache = tmp_path / "cache"
    assert '"KL301"' not in _check(tree, cache)[1]
    return tree, cache


def test_a_selector_edit_runs_the_index_rules_again(tmp_path, answered, reran):
    tree, cache = _workload_service_and_other(tmp_path)
    (tree / "b-service.yaml").write_text(_SERVICE.replace("{app: web}", "{app: webb}"))
    after = _check(tree, cache)
    assert after == _check(tree, None) and '"KL301"' in after[1]
    assert len(reran) == 1
    # made again: the changed file only (the others' findings did not change)
    assert [c.source.display for c in answered[0]] == ["tree/b-service.yaml"]


def test_a_rerun_makes_again_the_files_a_change_reaches(tmp_path, answered, reran):
    tree, cache = _workload_service_and_other(tmp_path)
    (tree / "a-workload.yaml").write_text(_WORKLOAD.replace("{app: web}", "{app: webb}"))  # selector and pods
    after = _check(tree, cache)
    assert after == _check(tree, None) and '"KL301"' in after[1]
    assert len(reran) == 1
    # the Service, in a file that did not change, now selects nothing: its findings were made again
    assert [c.source.display for c in answered[0]] == ["tree/a-workload.yaml", "tree/b-service.yaml"]



def test_a_rerun_moves_the_no_schema_report_to_the_first_object_of_its_kind(tmp_path, answered, reran):
    monitor = "apiVersion: monitoring.coreos.com/v1\nkind: PodMonitor\nmetadata:\n  name: {}\n"
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "a.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n")
    (tree / "b.yaml").write_text(monitor.format("b"))
    cache = tmp_path / "cache"

    def no_schema(report):
        return [f["file"] for f in json.loads(report[1])["findings"] if f["rule"] == "KL022"]

    assert no_schema(_check(tree, cache)) == ["tree/b.yaml"]
    # a PodMonitor now comes first, in a file whose facts changed: "no schema" is reported there
    (tree / "a.yaml").write_text(monitor.format("a"))
    after = _check(tree, cache)
    assert after == _check(tree, None) and no_schema(after) == ["tree/a.yaml"]
    assert len(reran) == 1 and [c.source.display for c in answered[0]] == ["tree/a.yaml", "tree/b.yaml"]


def test_a_file_added_removed_or_renamed_is_answered_from_the_snapshot(tmp_path, answered, reran):
    # The index rules run again over the snapshot's objects and the new file's; the files after
    # an added or removed one move, and their kept findings with them
    tree, cache = _workload_service_and_other(tmp_path)
    late = tree / "d-late.yaml"
    late.write_text(_SERVICE.replace("name: web", "name: late").replace("{app: web}", "{app: late}"))
    assert _check(tree, cache) == _check(tree, None)  # (an added file too)
    first = tree / "0-first.yaml"
    edits = [
        ("added first", lambda: first.write_text(_SERVICE.replace("name: web", "name: first").replace("{app: web}", "{app: x}"))),
        ("removed", lambda: (tree / "b-service.yaml").unlink()),
        ("renamed", lambda: late.rename(tree / "e-later.yaml")),
        ("added, and another edited", lambda: ((tree / "b-service.yaml").write_text(_SERVICE),
                                              (tree / "c-other.yaml").write_text("apiVersion: v1\nkind: ConfigMap\n"
                                                                                 "metadata:\n  name: other2\n"))),
    ]
    for n, (what, edit) in enumerate(edits):
        edit()
        answered.clear()
        for fmt in ("json", "text", "sarif", "junit"):
            assert _check(tree, cache, fmt=fmt) == _check(tree, None, fmt=fmt), (what, fmt)
        assert len(answered) == 4, what  # (every run answered from a snapshot, none a full run)
        findings = {(f["file"], f["rule"]) for f in json.loads(_check(tree, None)[1])["findings"]}
        assert ("tree/0-first.yaml", "KL301") in findings, findings
    # an image bump after that is answered without the index rules, from the snapshot saved whole
    count = len(reran)
    workload = tree / "a-workload.yaml"
    workload.write_text(workload.read_text().replace("nginx:1.27.3", "nginx:1.27.4"))
    assert _check(tree, cache) == _check(tree, None) and len(reran) == count


def test_a_removed_file_that_reported_no_schema_makes_a_full_run(tmp_path, answered):
    monitor = "apiVersion: monitoring.coreos.com/v1\nkind: PodMonitor\nmetadata:\n  name: {}\n"
    tree = tmp_path / "tree"
    tree.mkdir()
    for name in ("a", "b"):
        (tree / f"{name}.yaml").write_text(monitor.format(name))
    cache = tmp_path / "cache"
    _check(tree, cache)
    (tree / "a.yaml").unlink()
    after = _check(tree, cache)
    assert after == _check(tree, None) and '"tree/b.yaml"' in after[1] and not answered


def test_the_facts_digests_keep_labels_ports_and_replicas_apart():
    import copy
    from types import SimpleNamespace

    from k8slint.objects import K8sObject

    cron = {"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "c", "labels": {"a": "1"}},
            "spec": {"schedule": "@daily", "jobTemplate": {
                "metadata": {"labels": {"job": "1"}},
                "spec": {"template": {"metadata": {"labels": {"pod": "1"}}, "spec": {"containers": []}}}}}}
    claim = {"apiVersion": "v1", "kind": "PersistentVolumeClaim",
             "metadata": {"name": "c", "labels": {"a": "1"}, "annotations": {"b": "1"}}}
    service = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s", "labels": {"a": "1"}},
               "spec": {"selector": {"a": "1"}, "ports": [{"port": 80, "targetPort": "http"}]}}
    deploy = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d"},
              "spec": {"replicas": 2, "selector": {"matchLabels": {"a": "1"}}, "template": {
                  "metadata": {"labels": {"a": "1"}},
                  "spec": {"containers": [{"name": "one", "ports": [{"name": "http", "containerPort": 8080}]},
                                          {"name": "two"}]}}}}

    def parts(edit=None):
        datas = copy.deepcopy([cron, claim, service, deploy])
        if edit is not None:
            edit(*datas)
        objects = [K8sObject.restored("f.yaml", 0, d, (), False, True, i, 0) for i, d in enumerate(datas)]
        return run_snapshot.facts_digests(SimpleNamespace(objects=objects, lost=set(), broken=set(), deferred=[]))

    def changed(edit):
        return {name for name, a, b in zip(run_snapshot.PARTS, parts(), parts(edit)) if a != b}

    assert len(parts()) == len(run_snapshot.PARTS) and parts() == parts()
    labels_only = [
        lambda c, p, s, d: c["metadata"]["labels"].update(a="2"),
        lambda c, p, s, d: c["spec"]["jobTemplate"]["spec"]["template"]["metadata"]["labels"].update(other="1"),
        lambda c, p, s, d: c["spec"]["jobTemplate"]["spec"]["template"]["metadata"].pop("labels"),
        lambda c, p, s, d: c["metadata"].update(labels={}),  # (an empty map, no map: the same to rules)
        lambda c, p, s, d: p["metadata"]["labels"].clear(),
        lambda c, p, s, d: s["metadata"].pop("labels"),
        lambda c, p, s, d: d["spec"]["template"]["metadata"]["labels"].update(a="2"),
    ]
    for n, edit in enumerate(labels_only):
        assert changed(edit) == {"labels"}, n
    ports_only = [
        lambda c, p, s, d: s["spec"]["ports"][0].update(targetPort=8080),
        lambda c, p, s, d: s["spec"].pop("ports"),
        lambda c, p, s, d: d["spec"]["template"]["spec"]["containers"][0]["ports"][0].update(containerPort=9090),
        lambda c, p, s, d: d["spec"]["template"]["spec"]["containers"][1].update(ports=[{"containerPort": 1}]),
        # the same ports on the other container
        lambda c, p, s, d: d["spec"]["template"]["spec"]["containers"][1].update(
            ports=d["spec"]["template"]["spec"]["containers"][0].pop("ports")),
    ]
    for n, edit in enumerate(ports_only):
        assert changed(edit) == {"ports"}, n
    assert changed(lambda c, p, s, d: d["spec"].update(replicas=3)) == {"replicas"}
    assert changed(lambda c, p, s, d: d["spec"].pop("replicas")) == {"replicas"}
    assert changed(lambda c, p, s, d: (d["spec"].update(replicas=3), s["spec"].pop("ports"))) == {"replicas", "ports"}
    facts = [
        lambda c, p, s, d: c["spec"]["jobTemplate"]["metadata"]["labels"].update(job="2"),  # not a pod template's
        lambda c, p, s, d: p["metadata"]["annotations"].update(b="2"),  # a claim's annotations are facts
        lambda c, p, s, d: s["spec"]["selector"].update(a="2"),
        lambda c, p, s, d: d["spec"]["template"]["spec"]["containers"][1].update(name="three"),
        lambda c, p, s, d: c["spec"]["jobTemplate"]["spec"].update(parallelism=2),  # not spec.replicas
    ]
    for n, edit in enumerate(facts):
        assert "rest" in changed(edit), n
    assert changed(lambda c, p, s, d: c["metadata"].update(annotations={"x": "1"})) == set()
    assert changed(lambda c, p, s, d: d["spec"]["template"]["spec"]["containers"][0].update(image="x:1")) == set()
    # the objects are left as they were
    datas = copy.deepcopy([cron, claim, service, deploy])
    run_snapshot.facts_digests(SimpleNamespace(
        objects=[K8sObject.restored("f.yaml", 0, d, (), False, True, i, 0) for i, d in enumerate(datas)],
        lost=set(), broken=set(), deferred=[]))
    assert datas == [cron, claim, service, deploy]


@pytest.fixture()
def rules_run(monkeypatch):
    """The codes of the index rules each run of the engine's index rules ran."""
    from k8slint.engine import Engine

    calls = []
    real = Engine.index_findings

    def recording(self, index, locate, share=None, *args, **kwargs):
        chosen = None if share is None else set(share)
        calls.append({impl.rule.code for position, impl in enumerate(self.active_index_rules(index))
                      if chosen is None or position in chosen})
        return real(self, index, locate, share, *args, **kwargs)

    monkeypatch.setattr(Engine, "index_findings", recording)
    return calls


def _label_rules():
    """The codes of the shipped index rules that a label edit runs again: those that read labels
    (all but those whose module says READS_LABELS = False) or whole objects."""
    from k8slint.registry import shipped_impls

    return {impl.rule.code for impl in shipped_impls() if impl.has_check_index and (impl.labels or impl.whole)}


_CLAIMED = _WORKLOAD.replace("          ports:\n", "          volumeMounts: [{name: data, mountPath: /data}]\n"
                             "          ports:\n") + """      volumes:
        - name: data
          persistentVolumeClaim: {claimName: missing}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: web
spec:
  podSelector:
    matchLabels: {app: web}
  policyTypes: [Ingress]
"""
_ROUTED = _SERVICE + """---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
spec:
  defaultBackend:
    service: {name: absent, port: {number: 80}}
"""


def _labelled_tree(tmp_path):
    """(tree, cache) of a cached run of a Deployment (its claim missing: KL403) with a
    NetworkPolicy selecting its pods, and beside it a Service selecting them with an Ingress
    routing to a missing Service (KL304). KL403 and KL304 read no label. The NetworkPolicy's
    selector names the keys app and tier (a pod with a tier other than db): an edit of either
    label is one that the index rules see (see run_snapshot.labels_unseen)."""
    tree = tmp_path / "tree"
    tree.mkdir()
    workload = _CLAIMED.replace("labels: {app: web}", "labels:\n        app: web", 1).replace(
        "  podSelector:\n    matchLabels: {app: web}\n",
        "  podSelector:\n    matchLabels: {app: web}\n    matchExpressions: [{key: tier, operator: NotIn, values: [db]}]\n")
    assert "key: tier" in workload
    (tree / "a-workload.yaml").write_text(workload)
    (tree / "b-service.yaml").write_text(_ROUTED)
    cache = tmp_path / "cache"
    before = _check(tree, cache)
    assert before == _check(tree, None)
    found = {f["rule"] for f in json.loads(before[1])["findings"]}
    assert {"KL403", "KL304"} <= found and not found & {"KL301", "KL307"}, found
    return tree, cache


def _warm(tree, cache, rules_run, fmt="json"):
    """The report of a cached run, and the codes of the index rules it ran."""
    rules_run.clear()
    report = _check(tree, cache, fmt=fmt)
    return report, set().union(*rules_run)


def _warm_with_a_label(tree, cache, rules_run, text, label, fmt):
    """The codes of the index rules that a warm run ran after ``label`` was added below the pods'
    app: web in the workload (whose text was ``text``); its report is a cold run's."""
    (tree / "a-workload.yaml").write_text(text.replace("        app: web\n", f"        app: web\n        {label}\n", 1))
    warm, ran = _warm(tree, cache, rules_run, fmt)
    assert warm == _check(tree, None, fmt=fmt)
    return ran


def _rules_of(report):
    return [(f["file"], f["rule"], f["line"]) for f in json.loads(report[1])["findings"]]


def test_a_label_edit_runs_again_only_the_rules_that_read_labels(tmp_path, answered, reran, rules_run, reaches):
    tree, cache = _labelled_tree(tmp_path)
    assert "KL403" not in _label_rules() and "KL301" in _label_rules()
    workload = tree / "a-workload.yaml"
    before = _rules_of(_check(tree, None))
    text = workload.read_text()
    # a label added above the claim: KL403's finding, kept from the snapshot, moves down a line;
    # then the label's value changes
    for fmt, label in (("json", "tier: front"), ("text", "tier: back")):
        ran = _warm_with_a_label(tree, cache, rules_run, text, label, fmt)
        assert ran and ran <= _label_rules() and "KL403" not in ran and {"KL301", "KL307"} <= ran, ran
        assert "KL501" not in ran  # (no copy in the changed file: the groups of copies are the snapshot's)
    assert len(reran) == 2
    # a tier added (the NetworkPolicy names that key) may add a did-you-mean candidate: every
    # file's findings are made again; a tier changed reaches the files of the selectors naming it
    assert reaches == [None, frozenset({"tree/a-workload.yaml"})]
    after = _rules_of(_check(tree, None))
    moved = [line for file, rule, line in after if rule == "KL403"]
    assert moved == [line + 1 for file, rule, line in before if rule == "KL403"]
    # only the changed file was made again: the others' index findings are those of the snapshot
    assert [[c.source.display for c in files] for files in answered] == [["tree/a-workload.yaml"]] * 2


def test_a_label_edit_reaches_the_service_that_selects_the_pods(tmp_path, answered, reran, rules_run):
    tree, cache = _labelled_tree(tmp_path)
    workload = tree / "a-workload.yaml"
    # the pods' label only (not the Deployment's selector): the Service and the NetworkPolicy
    # select nothing now, KL403's and KL304's findings stay
    text = workload.read_text()
    workload.write_text(text.replace("    metadata:\n      labels:\n        app: web",
                                     "    metadata:\n      labels:\n        app: webb", 1))
    for fmt in ("json", "text"):
        after, ran = _warm(tree, cache, rules_run, fmt)
        assert after == _check(tree, None, fmt=fmt)
        assert ran and ran <= _label_rules() and "KL403" not in ran, ran
        if fmt == "json":
            found = {(file, rule) for file, rule, _ in _rules_of(after)}
            assert {("tree/b-service.yaml", "KL301"), ("tree/a-workload.yaml", "KL307"),
                    ("tree/a-workload.yaml", "KL403"), ("tree/b-service.yaml", "KL304")} <= found
            workload.write_text(workload.read_text().replace("        app: webb", "        app: webbb", 1))
    assert len(reran) == 2
    # the Service's file, unchanged, was made again: its KL301 is new, its KL304 the snapshot's
    assert [c.source.display for c in answered[0]] == ["tree/a-workload.yaml", "tree/b-service.yaml"]
    # and back: the Service selects the pods again
    workload.write_text(text)
    after, ran = _warm(tree, cache, rules_run)
    assert after == _check(tree, None)
    assert len(reran) == 3 and ran <= _label_rules()


def test_a_renamed_selected_label_reaches_only_the_files_whose_selectors_ask_for_it(
        tmp_path, answered, reran, reaches):
    # The pods' app: web becomes webb. The Service selecting app: web now selects nothing. The
    # Service of namespace other selects app: db (its targetPort is not declared: KL303) and
    # sees no difference: its file keeps the snapshot's findings.
    tree = tmp_path / "tree"
    tree.mkdir()
    workload = tree / "a-workload.yaml"
    text = _WORKLOAD.replace("labels: {app: web}", "labels:\n        app: web", 1)
    workload.write_text(text)
    (tree / "b-service.yaml").write_text(_SERVICE)
    other = _WORKLOAD.replace("web", "db").replace("  name: db\n", "  name: db\n  namespace: other\n")
    other += "---\n" + _SERVICE.replace("web", "db").replace("  name: db\n", "  name: db\n  namespace: other\n")
    (tree / "c-other.yaml").write_text(other.replace("targetPort: 8080", "targetPort: 9999"))
    cache = tmp_path / "cache"
    before = _check(tree, cache)
    assert before == _check(tree, None)
    assert {(file, rule) for file, rule, _ in _rules_of(before)} == {("tree/c-other.yaml", "KL303")}
    workload.write_text(text.replace("        app: web", "        app: webb", 1))
    after = _check(tree, cache)
    assert after == _check(tree, None)
    assert {(file, rule) for file, rule, _ in _rules_of(after)} >= {("tree/b-service.yaml", "KL301"),
                                                                    ("tree/c-other.yaml", "KL303")}
    assert reaches == [frozenset({"tree/a-workload.yaml", "tree/b-service.yaml"})] and len(reran) == 1
    assert [c.source.display for c in answered[0]] == ["tree/a-workload.yaml", "tree/b-service.yaml"]
    # KL301's did-you-mean for the Service chose the pods (it shows their labels): their file is
    # flagged now, and the next label edit there makes every file's findings again
    workload.write_text(text)
    assert _check(tree, cache) == before
    assert reaches[1:] == [None] and len(reran) == 2


def test_a_port_or_replicas_edit_runs_again_only_the_rules_that_read_it(tmp_path, answered, reran, rules_run):
    # The Service's targetPort names a port the pods do not declare (KL303) until the pods name
    # it; the claim is missing (KL403, which reads neither ports nor replicas) all along
    tree, cache = _labelled_tree(tmp_path)
    service = tree / "b-service.yaml"
    service.write_text(service.read_text().replace("targetPort: 8080", "targetPort: http"))
    _check(tree, cache)
    workload = tree / "a-workload.yaml"
    text = workload.read_text()
    edits = [  # each on the text the one before left
        (workload, lambda t: t.replace("- containerPort: 8080", "- {containerPort: 8080, name: http}"), "ports"),
        (workload, lambda t: t.replace("spec:\n  selector:", "spec:\n  replicas: 3\n  selector:", 1), "replicas"),
        (service, lambda t: t.replace("targetPort: http", "targetPort: 8081"), "ports"),
    ]
    for n, (path, edit, part) in enumerate(edits):
        new = edit(path.read_text())
        assert new != path.read_text(), n
        path.write_text(new)
        warm, ran = _warm(tree, cache, rules_run)
        assert warm == _check(tree, None), n
        expected = {impl.rule.code for impl in _index_impls() if impl.reads_part(part)}
        assert ran and ran <= expected and "KL403" not in ran and "KL301" not in ran, (n, ran)
        assert ("KL303" in ran) == (part == "ports"), (n, ran)
        codes = {rule for _, rule, _ in _rules_of(warm)}
        assert "KL403" in codes and ("KL303" in codes) == (n == 2), (n, codes)  # (8081 is declared by none)
    assert len(reran) == 4  # (the first a port edit too: the Service's named target)
    # both at once: the rules that read either
    workload.write_text(workload.read_text().replace("replicas: 3", "replicas: 4").replace(
        "{containerPort: 8080, name: http}", "{containerPort: 8082, name: http}"))
    warm, ran = _warm(tree, cache, rules_run)
    assert warm == _check(tree, None) and {"KL303", "KL310"} & ran and "KL403" not in ran, ran


def _index_impls():
    from k8slint.registry import shipped_impls

    return [impl for impl in shipped_impls() if impl.has_check_index]


def test_a_rerun_reads_the_index_findings_only_of_files_with_findings_of_the_rules_that_ran(
        tmp_path, monkeypatch, reran, rules_run):
    # each file's snapshot entry says which rules its index findings are of: a rerun compares
    # (and so reads) the findings only of the files that have findings of the rules that ran,
    # then or now, and of the changed ones
    from k8slint.snapshot_store import FileFacts

    tree, cache = _labelled_tree(tmp_path)
    (tree / "c-config.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata: {a: b}\n")
    _check(tree, cache)  # (a file added: the index rules ran again)
    reran.clear()
    read = []
    real = FileFacts._read_details

    def reading(self):
        if self._details is None:
            read.append(self.display)
        return real(self)

    monkeypatch.setattr(FileFacts, "_read_details", reading)
    workload = tree / "a-workload.yaml"
    text = workload.read_text()
    # a new label: the Service (KL304 only, a rule that reads no label) and the ConfigMap (no
    # finding) are not read; then a selector edit (every rule runs): the Service is
    workload.write_text(text.replace("        app: web\n", "        app: web\n        tier: front\n", 1))
    after, ran = _warm(tree, cache, rules_run)
    assert after == _check(tree, None) and ran <= _label_rules() and len(reran) == 1
    assert read == ["tree/a-workload.yaml"]
    read.clear()
    (tree / "b-service.yaml").write_text(_ROUTED.replace("{app: web}", "{app: webb}"))
    after, ran = _warm(tree, cache, rules_run)
    assert after == _check(tree, None) and "KL403" in ran and len(reran) == 2
    assert sorted(read) == ["tree/a-workload.yaml", "tree/b-service.yaml"]


def test_a_selector_edit_runs_every_index_rule_again(tmp_path, reran, rules_run):
    tree, cache = _labelled_tree(tmp_path)
    (tree / "b-service.yaml").write_text(_ROUTED.replace("{app: web}", "{app: webb}"))
    after, ran = _warm(tree, cache, rules_run)
    assert after == _check(tree, None)
    assert len(reran) == 1 and {"KL403", "KL301"} <= ran  # a selector is no label


def test_an_env_value_edit_is_answered_unless_it_changes_an_address(tmp_path, answered, reran):
    # KL708 reads an env value only for the Service addresses in it: a new log level is
    # answered from the snapshot; a new port in an address runs the index rules again
    tree = tmp_path / "tree"
    tree.mkdir()
    env = ("          env:\n            - {name: LOG_LEVEL, value: debug}\n"
           "            - {name: AUTH, value: \"http://web.default:80/login\"}\n")
    workload = _WORKLOAD.replace("          ports:\n", env + "          ports:\n")
    (tree / "a-workload.yaml").write_text(workload)
    (tree / "b-service.yaml").write_text(_SERVICE)
    cache = tmp_path / "cache"
    before = _check(tree, cache)
    assert '"KL708"' not in before[1]
    for n, (old, new) in enumerate((("value: debug", "value: info"), ("/login", "/logout"), (":80/", ":81/"))):
        workload = workload.replace(old, new)
        (tree / "a-workload.yaml").write_text(workload)
        after = _check(tree, cache)
        assert after == _check(tree, None)
        if n < 2:
            # (a path is part of the address as written, which the message quotes: seen too)
            assert len(reran) == n, (old, new)
    assert '"KL708"' in after[1] and len(reran) == 2


def test_a_label_no_selector_names_is_answered_without_the_index_rules(tmp_path, answered, reran, rules_run):
    # version is a key no selector of the tree names: the index rules cannot see the edit, so
    # their findings are the snapshot's, located again (KL403's moves down a line)
    tree, cache = _labelled_tree(tmp_path)
    workload = tree / "a-workload.yaml"
    before = _rules_of(_check(tree, None))
    text = workload.read_text()
    for fmt, label in (("json", "version: v2"), ("text", "version: v3")):
        ran = _warm_with_a_label(tree, cache, rules_run, text, label, fmt)
        assert not ran and not reran
    assert [[c.source.display for c in files] for files in answered] == [["tree/a-workload.yaml"]] * 2
    moved = [line for _, rule, line in _rules_of(_check(tree, None)) if rule == "KL403"]
    assert moved == [line + 1 for _, rule, line in before if rule == "KL403"]
    # the Deployment's own labels (metadata.labels) too; and a key a selector names is seen
    workload.write_text(text.replace("  name: web\n", "  name: web\n  labels: {team: a}\n", 1))
    warm, ran = _warm(tree, cache, rules_run)
    assert warm == _check(tree, None) and not ran and not reran
    workload.write_text(text.replace("        app: web\n", "        app: web\n        tier: front\n", 1))
    warm, ran = _warm(tree, cache, rules_run)
    assert warm == _check(tree, None) and ran and ran <= _label_rules() and len(reran) == 1


_NAMED = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: NAME
spec:
  selector:
    matchLabels: {tier: TIER}
  template:
    metadata:
      labels: LABELS
    spec:
      containers:
        - name: web
          image: nginx:1.27.3
"""


def _deployment(name, tier, labels):
    return _NAMED.replace("NAME", name).replace("TIER", tier).replace("LABELS", labels)


def test_a_label_edit_on_objects_a_did_you_mean_compared_runs_the_rules_again(tmp_path, answered, reran):
    # The Service selects app: api, which no pod has and no pod's keys share: KL301's
    # did-you-mean weighs all pod templates, and the one with the fewest labels wins the tie.
    # Labels that no selector names (zone, rack) make the other one win: a warm run must see it.
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "a-one.yaml").write_text(_deployment("one", "x", "{tier: x}"))
    (tree / "b-service.yaml").write_text(_SERVICE.replace("{app: web}", "{app: api}"))
    (tree / "c-two.yaml").write_text(_deployment("two", "y", "{tier: y, role: z}"))
    cache = tmp_path / "cache"
    before = _check(tree, cache)
    assert "Deployment default/one" in before[1] and "Deployment default/two" not in before[1]
    (tree / "a-one.yaml").write_text(_deployment("one", "x", "{tier: x, zone: a, rack: b}"))
    after = _check(tree, cache)
    assert after == _check(tree, None) and "Deployment default/two" in after[1]
    assert len(reran) == 1
    # the Service's file, unchanged, was made again: its did-you-mean changed
    assert [c.source.display for c in answered[0]] == ["tree/a-one.yaml", "tree/b-service.yaml"]


def test_a_label_edit_on_a_copy_runs_the_rules_again(tmp_path, reran, rules_run):
    # KL501 says whether two copies are identical: a label no selector names sets them apart
    tree = tmp_path / "tree"
    tree.mkdir()
    for name in ("a.yaml", "b.yaml"):
        (tree / name).write_text(_WORKLOAD)
    cache = tmp_path / "cache"
    before = _check(tree, cache)
    assert '"KL501"' in before[1]
    (tree / "b.yaml").write_text(_WORKLOAD.replace("  name: web\n", "  name: web\n  labels: {team: a}\n", 1))
    after, ran = _warm(tree, cache, rules_run)
    assert after == _check(tree, None) and after != before and len(reran) == 1 and "KL501" in ran


def test_a_rule_that_reads_labels_otherwise_turns_the_unseen_labels_off(tmp_path, monkeypatch, reran, rules_run):
    # An index rule that reads labels without declaring READS_LABELS = "selectors" may read any
    # label: with it active, every label edit runs the label rules again.
    import copy

    from k8slint.engine import Engine

    real = Engine.__init__

    def init(self, *args, **kwargs):
        real(self, *args, **kwargs)
        for i, impl in enumerate(self.index_rules):
            if impl.rule.code == "KL307":
                self.index_rules[i] = copy.copy(impl)
                self.index_rules[i].selected = False

    tree, cache = _labelled_tree(tmp_path)
    monkeypatch.setattr(Engine, "__init__", init)
    workload = tree / "a-workload.yaml"
    workload.write_text(workload.read_text().replace("        app: web\n", "        app: web\n        version: v2\n", 1))
    warm, ran = _warm(tree, cache, rules_run)
    assert warm == _check(tree, None) and "KL307" in ran and len(reran) == 1


def _selector_keys(objects):
    """The label keys that the selectors in these objects name."""
    return run_snapshot.keys_in(run_snapshot.selector_pairs(objects))


def test_selector_keys():
    from k8slint.objects import K8sObject

    def obj(kind, data):
        o = K8sObject.__new__(K8sObject)
        o.kind, o.data = kind, data
        return o

    objects = [
        obj("Service", {"spec": {"selector": {"app": "web", "tier": "front"}}}),
        obj("NetworkPolicy", {"spec": {"podSelector": {"matchLabels": {"role": "db"}}, "ingress": [{"from": [
            {"namespaceSelector": {"matchExpressions": [{"key": "team", "operator": "Exists"}, {"key": ["odd"]}]},
             "podSelector": {"matchLabels": {"zone": "a"}}}]}]}}),
        obj("Deployment", {"spec": {"template": {"spec": {"topologySpreadConstraints": [
            {"labelSelector": {"matchLabels": {"spread": "x"}}}]}}}}),
        obj("ConfigMap", {"data": {"selector": {"never": "walked"}}}),
        obj(["odd kind"], {"selector": "not a mapping"}),
    ]
    keys = _selector_keys(objects)
    assert {"app", "tier", "role", "team", "zone", "spread"} <= keys
    assert "never" not in keys and "not a mapping" not in keys and "odd" not in keys
    pairs = run_snapshot.selector_pairs(objects)
    assert {("app", "web"), ("tier", "front"), ("role", "db"), ("team", run_snapshot.ANY), ("zone", "a"),
            ("spread", "x")} <= pairs
    assert run_snapshot.keys_in(pairs) == keys and ("team", "Exists") not in pairs


def _snapshots(cache, kind=""):
    """The snapshot files in ``cache`` (kind "held": the files of the objects they keep)."""
    return [p for p in cache.rglob("*.snapshot") if p.name.count(".") == (2 if kind else 1)
            and (not kind or p.name.endswith(f".{kind}.snapshot"))]


def _examples_and_their_snapshot(tmp_path):
    """(tree, cache, the report, the snapshot file) of a cached run of the examples."""
    tree = tmp_path / "tree"
    shutil.copytree(ROOT / "examples", tree)
    cache = tmp_path / "cache"
    reference = _check(tree, cache)
    snapshots = _snapshots(cache)
    assert len(snapshots) == 1 and len(_snapshots(cache, "held")) == 1
    return tree, cache, reference, snapshots[0]


def test_a_corrupt_snapshot_is_ignored_and_written_again(tmp_path):
    tree, cache, reference, snapshot = _examples_and_their_snapshot(tmp_path)
    for garbage in (b"garbage", snapshot.read_bytes()[:100], b"\x80\x05K\x01."):
        snapshot.write_bytes(garbage)
        assert _check(tree, cache) == reference
        assert snapshot.read_bytes() != garbage


def test_a_damaged_or_foreign_held_file_makes_a_rerun_a_full_run(tmp_path, answered, reran):
    tree, cache = _workload_service_and_other(tmp_path)
    held = _snapshots(cache, "held")[0]
    good = held.read_bytes()
    _check(tree, cache, "--ignore", "KL202")  # another snapshot, with a held file of its own
    foreign = [p for p in _snapshots(cache, "held") if p != held][0].read_bytes()
    for n, garbage in enumerate((b"garbage", good[:-10], foreign)):
        held.write_bytes(garbage)
        (tree / "a-workload.yaml").write_text(_WORKLOAD.replace("{app: web}", "{app: w%d}" % n))
        assert _check(tree, cache) == _check(tree, None)
        # the rerun needs the kept objects: without them the run is a full one, which writes
        # a new held file
        assert len(reran) == n + 1 and not answered
        assert held.read_bytes() != garbage
    (tree / "a-workload.yaml").write_text(_WORKLOAD)
    assert _check(tree, cache) == _check(tree, None)
    assert len(reran) == 4 and len(answered) == 1


def test_no_snapshot_with_context_or_standard_input(tmp_path):
    tree = tmp_path / "tree"
    shutil.copytree(ROOT / "examples", tree)
    cache = tmp_path / "cache"
    _check(tree, cache, "--context", str(FIXTURES / "KL301-service-selector-mismatch"))
    assert not list(cache.rglob("*.snapshot"))


def test_other_settings_have_their_own_snapshot(tmp_path):
    tree = tmp_path / "tree"
    shutil.copytree(ROOT / "examples", tree)
    cache = tmp_path / "cache"
    _check(tree, cache)
    _check(tree, cache, "--ignore", "KL202")
    assert len(_snapshots(cache)) == 2
    assert _check(tree, cache, "--ignore", "KL202") == _check(tree, None, "--ignore", "KL202")
    assert _check(tree, cache) == _check(tree, None)


# -- no index rule reads what the facts leave out -----------------------------------------------

class _Watched(dict):
    """A container whose ignored fields must not be read (nor the whole mapping walked)."""

    reads: list[str] = []
    what = "a container"
    forbidden: "frozenset | None" = run_snapshot.IGNORED_CONTAINER_FIELDS  # None: every key
    keys_readable = False  # whether listing its keys (and ``in``) is allowed

    def _note(self, how):
        stack = "".join(traceback.format_stack(limit=6)[:-2])
        _Watched.reads.append(f"{how} ({self.what})\n{stack}")

    def _read(self, key, how):
        if self.forbidden is None or key in self.forbidden:
            self._note(how)

    def get(self, key, default=None):
        self._read(key, f"get({key!r})")
        return dict.get(self, key, default)

    def __getitem__(self, key):
        self._read(key, f"[{key!r}]")
        return dict.__getitem__(self, key)

    def __contains__(self, key):
        if not self.keys_readable:
            self._read(key, f"{key!r} in")
        return dict.__contains__(self, key)

    def _whole(name, keys=False):  # noqa: N805
        def method(self, *args, **kwargs):
            if not (keys and self.keys_readable):
                self._note(f"{name}()")
            return getattr(dict, name)(self, *args, **kwargs)
        return method

    items = _whole("items")
    values = _whole("values")
    keys = _whole("keys", keys=True)
    copy = _whole("copy")
    __iter__ = _whole("__iter__", keys=True)
    __eq__ = _whole("__eq__")
    __ne__ = _whole("__ne__")
    __hash__ = None


class _WatchedValues(_Watched):
    """A ConfigMap's or Secret's data: its keys may be read, not its values."""

    what, forbidden, keys_readable = "data", None, True


class _WatchedAll(_Watched):
    """Annotations an index rule must not read at all."""

    what, forbidden = "annotations", None


def _annotation_holders(obj):
    """The metadata mappings whose annotations are not facts: the object's and its pod template's."""
    from k8slint.workloads import TEMPLATE_PATHS, as_dict, get_path

    if obj.kind in run_snapshot.ANNOTATIONS_READ_ON:
        return []
    holders = [obj.data.get("metadata")]
    if obj.kind in TEMPLATE_PATHS:
        holders.append(as_dict(get_path(obj.data, TEMPLATE_PATHS[obj.kind])).get("metadata"))
    return [h for h in holders if isinstance(h, dict)]


def _watch(objects):
    from k8slint.workloads import CONTAINER_LISTS, _pod_template

    for obj in objects:
        for metadata in _annotation_holders(obj):
            value = metadata.get("annotations")
            if isinstance(value, dict) and not isinstance(value, _Watched):
                metadata["annotations"] = _WatchedAll(value)
        for field in run_snapshot.KEYS_ONLY_FIELDS.get(obj.kind, ()):
            value = obj.data.get(field)
            if isinstance(value, dict) and not isinstance(value, _Watched):
                obj.data[field] = _WatchedValues(value)
        template = _pod_template(obj, "")
        if template is None:
            continue
        for field in CONTAINER_LISTS:
            items = template.spec.get(field)
            if isinstance(items, list):
                for i, container in enumerate(items):
                    if isinstance(container, dict) and not isinstance(container, _Watched):  # (a YAML alias: seen)
                        items[i] = _Watched(container)


def _whole_object_rules():
    """--ignore options for the index rules that declare READS_WHOLE_OBJECTS (KL501): a file
    with their findings is never answered from the snapshot, so they may read anything."""
    from k8slint.registry import shipped_impls

    codes = [impl.rule.code for impl in shipped_impls() if impl.whole]
    assert "KL501" in codes
    return [option for code in codes for option in ("--ignore", code)]


def _before_the_index(monkeypatch, prepare):
    """Let ``prepare(objects)`` change the objects of a run before its index is built."""
    import k8slint.run as run

    class PreparedIndex(run.Index):
        def __init__(self, objects, *args, **kwargs):
            objects = list(objects)
            prepare(objects)
            super().__init__(objects, *args, **kwargs)

    monkeypatch.setattr(run, "Index", PreparedIndex)


def _index_rules_read(monkeypatch, *paths, extra=()):
    _before_the_index(monkeypatch, _watch)
    _Watched.reads = []
    for path in paths:
        run_cli("check", "-f", "json", "--no-cache", "--jobs", "1", *_whole_object_rules(), *extra, str(path))
    return _Watched.reads


def test_no_index_rule_reads_the_ignored_container_fields(monkeypatch):
    reads = _index_rules_read(monkeypatch, FIXTURES, ROOT / "examples")
    assert reads == []
    reads = _index_rules_read(monkeypatch, FIXTURES, extra=("--profile", "pss-restricted", "--complete"))
    assert reads == []


@needs_shared
def test_no_index_rule_reads_the_ignored_container_fields_of_the_corpus(monkeypatch):
    assert _index_rules_read(monkeypatch, CORPUS / "real") == []


def test_the_watch_sees_a_rule_that_reads_an_image(monkeypatch):
    # The test above can fail: an index rule that reads an image is seen.
    from k8slint.checks import service_target_port

    real = service_target_port.check_index

    def reading(index, ctx):
        for _, _, template in index.checked_templates():
            for container in template.spec.get("containers") or []:
                container.get("image")
        return real(index, ctx)

    monkeypatch.setattr(service_target_port, "check_index", reading)
    from k8slint import registry

    registry._PACKS.clear()
    reads = _index_rules_read(monkeypatch, FIXTURES / "KL303-service-target-port")
    assert reads and "get('image')" in reads[0]


# -- nor do their findings change when those fields do -------------------------------------------

def _mutate(objects, addresses_too=False):
    """Give every container of every pod template its own value of each ignored field, every
    ConfigMap and Secret key its own value, and every object and pod template its own
    annotations (except where they are facts). Every env var's value changes too, keeping the
    Service addresses in it (``addresses_too``: not those either)."""
    from itertools import count

    from k8slint.service_addresses import address_facts
    from k8slint.workloads import CONTAINER_LISTS, _pod_template

    numbers = count(1)
    for obj in objects:
        for metadata in _annotation_holders(obj):
            metadata["annotations"] = {"mutated": f"{next(numbers)}", "was": metadata.get("annotations")}
        for field in run_snapshot.KEYS_ONLY_FIELDS.get(obj.kind, ()):
            value = obj.data.get(field)
            if isinstance(value, dict):
                for key in value:
                    value[key] = f"mutated-{next(numbers)}"
        template = _pod_template(obj, "")
        if template is None:
            continue
        for field in CONTAINER_LISTS:
            for container in template.spec.get(field) or []:
                if isinstance(container, dict):
                    n = next(numbers)
                    for field in run_snapshot.IGNORED_CONTAINER_FIELDS:
                        container[field] = {"mutated": [n, container.get(field)]}
                    container["image"] = f"{container.get('image')}-{n}"
                    for item in container.get("env") or []:
                        if not isinstance(item, dict) or "value" not in item:
                            continue
                        value = item["value"]
                        new = f"{value}-mutated{n}" if isinstance(value, str) else f"mutated{n}"
                        if addresses_too and isinstance(value, str) and ":" in value:
                            new = value.replace(":", ":1", 1)  # another port
                        if addresses_too or address_facts(new) == address_facts(value):
                            item["value"] = new


def _reports_with_mutated_containers(monkeypatch, path, *extra):
    args = ("check", "-f", "json", "--no-cache", "--jobs", "1", *extra, str(path))
    if "KL501" not in extra:
        args = (*args[:6], *_whole_object_rules(), *args[6:])
    plain = run_cli(*args)
    _before_the_index(monkeypatch, _mutate)
    return plain, run_cli(*args)


def test_the_mutation_would_show_a_rule_that_reads_the_addresses_in_env_values(monkeypatch):
    # The tests around can fail: KL708 reads the Service addresses in env values, and changing
    # those (a port) changes what it finds on its fixture.
    path = FIXTURES / "KL708-service-address-not-found"
    args = ("check", "-f", "json", "--no-cache", "--jobs", "1", "--select", "KL708", str(path))
    plain = run_cli(*args)
    assert '"KL708"' in plain[1]
    with monkeypatch.context() as patched:
        _before_the_index(patched, lambda objects: _mutate(objects, addresses_too=True))
        assert run_cli(*args) != plain
    with monkeypatch.context() as patched:
        _before_the_index(patched, _mutate)
        assert run_cli(*args) == plain


def test_index_findings_do_not_change_with_the_ignored_fields(monkeypatch):
    plain, mutated = _reports_with_mutated_containers(monkeypatch, FIXTURES)
    assert plain == mutated
    plain, mutated = _reports_with_mutated_containers(monkeypatch, FIXTURES, "--profile", "pss-restricted", "--complete")
    assert plain == mutated


@needs_shared
def test_index_findings_of_the_corpus_do_not_change_with_the_ignored_fields(monkeypatch):
    plain, mutated = _reports_with_mutated_containers(monkeypatch, CORPUS / "real")
    assert plain == mutated


def test_the_mutation_would_show_a_rule_that_compares_whole_objects(monkeypatch, tmp_path):
    # The test above can fail: KL501 compares whole copies, so it must declare READS_WHOLE_OBJECTS.
    tree = tmp_path / "tree"
    tree.mkdir()
    deployment = (FIXTURES / "KL303-service-target-port" / "pass.yaml").read_text().split("\n---")[0]
    (tree / "a.yaml").write_text(deployment)
    (tree / "b.yaml").write_text(deployment)
    plain, mutated = _reports_with_mutated_containers(monkeypatch, tree, "--select", "KL501")
    assert "identical" in plain[1] and "identical" not in mutated[1]


def test_runs_answered_by_the_snapshot_keep_the_entries_it_stands_for(tmp_path, answered):
    import os
    import time

    tree = _one_file_per_folder(tmp_path, ROOT / "examples")
    cache = tmp_path / "cache"
    reference = _check(tree, cache)
    entries = sorted(cache.rglob("*.pickle"))
    old = time.time() - 40 * 24 * 3600
    for path in [*entries, *cache.rglob("last-prune")]:
        os.utime(path, (old, old))
    assert _check(tree, cache) == reference
    assert answered == [[]]  # nothing changed: no entry was read, yet pruning (due) kept them all
    assert all(entry.exists() for entry in entries)


def test_concurrent_runs_share_a_snapshot(tmp_path):
    import os
    import subprocess
    import sys

    tree = _one_file_per_folder(tmp_path, FIXTURES)
    cache = tmp_path / "cache"
    env = {k: v for k, v in os.environ.items() if k != "K8SLINT_NO_CACHE"}
    cmd = [sys.executable, "-m", "k8slint", "check", "-f", "json", "--no-color", "--cache-dir", str(cache), tree.name]
    _check(tree, cache)  # the snapshot
    targets = sorted(p for p in tree.rglob("*.yaml") if "image:" in p.read_text())[:6]
    for round_ in range(2):  # each round: edit images, then three runs at once write deltas (or a whole)
        for path in targets[round_ * 3:round_ * 3 + 3]:
            path.write_text(re.sub(r"image: (\S+)", rf"image: \1-{round_}", path.read_text(), count=1))
        cold = _check(tree, None)
        procs = [subprocess.Popen(cmd, cwd=tree.parent, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
                 for _ in range(3)]
        outs = [p.communicate(timeout=300) for p in procs]
        assert all((p.returncode, out.decode(), err.decode()) == cold for p, (out, err) in zip(procs, outs))
        assert _check(tree, cache) == cold  # and what they left answers the next run


def test_a_planted_snapshot_runs_no_code(tmp_path):
    import pickle
    import zlib

    from k8slint import snapshot_store

    tree, cache, reference, snapshot = _examples_and_their_snapshot(tmp_path)
    key = snapshot.name.split(".")[0]
    marker = tmp_path / "planted"
    payload = b"cos\nsystem\n(S'touch " + str(marker).encode() + b"'\ntR."  # os.system("touch ...")
    for planted in (payload, pickle.dumps((snapshot_store.FORMAT, key, zlib.crc32(payload), payload))):
        snapshot.write_bytes(planted)
        assert _check(tree, cache) == reference
        assert not marker.exists()


def test_fix_from_a_run_answered_by_the_snapshot(tmp_path, answered):
    # --fix checks, fixes in memory, checks again: its first check may come from the snapshot,
    # whose findings carry the fixes of the unchanged files.
    trees = []
    for name in ("cached", "cold"):
        tree = tmp_path / name / "tree"
        for path in sorted(FIXTURES.rglob("fail.yaml")):
            (tree / path.parent.name).mkdir(parents=True)
            shutil.copyfile(path, tree / path.parent.name / path.name)
        trees.append(tree)
    cached, cold = trees
    cache = tmp_path / "cache"
    _check(cached, cache)
    fixed = _check(cached, cache, "--fix")
    assert answered  # the first round was answered from the snapshot
    assert fixed == _check(cold, None, "--fix")
    for path in cold.rglob("*.yaml"):
        assert (cached / path.relative_to(cold)).read_text() == path.read_text()
    assert "Fixed" in fixed[2]


def test_the_watch_sees_a_rule_that_reads_a_configmap_value(monkeypatch):
    from k8slint.checks import missing_configmap_key

    real = missing_configmap_key.check_index

    def reading(index, ctx):
        for configmap in index.of_kind("ConfigMap"):
            for key in configmap.data.get("data") or {}:
                configmap.data["data"].get(key)
        return real(index, ctx)

    monkeypatch.setattr(missing_configmap_key, "check_index", reading)
    reads = _index_rules_read(monkeypatch, FIXTURES / "KL703-missing-configmap-key")
    assert reads and "(data)" in reads[0]


def test_a_configmap_value_edit_is_answered_but_a_new_key_is_not(tmp_path, answered, reran):
    tree = tmp_path / "tree"
    tree.mkdir()
    target = tree / "web.yaml"
    shutil.copyfile(FIXTURES / "KL703-missing-configmap-key" / "fail.yaml", target)
    cache = tmp_path / "cache"
    before = _check(tree, cache)
    assert '"KL703"' in before[1]
    target.write_text(target.read_text().replace("log-level: info", "log-level: debug"))
    assert _check(tree, cache) == _check(tree, None)
    assert len(answered) == 1 and not reran
    target.write_text(target.read_text().replace("log-level: debug", "log-level: debug\n  LOG_LEVEL: info"))
    assert _check(tree, cache) == _check(tree, None)
    assert len(reran) == 1  # a key that a pod may read changes the facts: the index rules run again


def test_the_watch_sees_a_rule_that_reads_annotations(monkeypatch, tmp_path):
    from k8slint.checks import service_target_port

    real = service_target_port.check_index

    def reading(index, ctx):
        for obj, _, _ in index.checked_templates():
            "prometheus.io/port" in (obj.metadata.get("annotations") or {})
        return real(index, ctx)

    monkeypatch.setattr(service_target_port, "check_index", reading)
    manifest = tmp_path / "web.yaml"
    manifest.write_text((FIXTURES / "KL303-service-target-port" / "pass.yaml").read_text().replace(
        "metadata:\n  name: web\n", "metadata:\n  name: web\n  annotations: {prometheus.io/port: '8080'}\n", 1))
    reads = _index_rules_read(monkeypatch, manifest)
    assert reads and "in (annotations)" in reads[0]


def test_an_annotation_edit_is_answered_except_a_claims_class(tmp_path, answered, reran):
    tree = tmp_path / "tree"
    tree.mkdir()
    web = tree / "web.yaml"
    web.write_text((FIXTURES / "KL303-service-target-port" / "fail.yaml").read_text().replace(
        "    metadata:\n      labels:", "    metadata:\n      annotations: {checksum/config: abc}\n      labels:", 1))
    claims = tree / "claims.yaml"
    shutil.copyfile(FIXTURES / "KL402-pvc-pv-mismatch" / "fail.yaml", claims)
    cache = tmp_path / "cache"
    _check(tree, cache)
    assert "checksum/config: abc" in web.read_text()
    web.write_text(web.read_text().replace("checksum/config: abc", "checksum/config: def"))
    assert _check(tree, cache) == _check(tree, None)
    assert len(answered) == 1 and not reran
    claims.write_text(claims.read_text().replace("metadata:\n", "metadata:\n  annotations:\n    "
                                                 "volume.beta.kubernetes.io/storage-class: slow\n", 1))
    assert _check(tree, cache) == _check(tree, None)
    assert len(reran) == 1  # a claim's or volume's annotations are facts (its storage class, KL402)


# -- the rules that declare READS_LABELS = False: their findings do not change with labels --------

def _label_free_rules():
    """--select for the shipped index rules that declare they read no label (and not whole objects)."""
    from k8slint.registry import shipped_impls

    codes = sorted(impl.rule.code for impl in shipped_impls()
                   if impl.has_check_index and not impl.labels and not impl.whole)
    assert "KL701" in codes and "KL403" in codes and "KL301" not in codes
    return codes


def _label_maps(obj):
    """The metadata mappings whose labels are left out of the label-free facts: the object's own
    and its pod template's (a CronJob's under its jobTemplate)."""
    from k8slint.workloads import TEMPLATE_PATHS, get_path

    holders = [obj.data.get("metadata")]
    if obj.kind in TEMPLATE_PATHS:
        holders.append(get_path(obj.data, (*TEMPLATE_PATHS[obj.kind], "metadata")))
    return [h for h in holders if isinstance(h, dict)]


def _relabel(how):
    """A ``prepare`` for _before_the_index that changes the labels of every object and pod
    template: "change" (every value changed, and a label added), "remove" (no labels at all) or
    "all" (every label of the run on everything, so that every selector matches)."""

    def prepare(objects):
        from itertools import count

        numbers = count(1)
        every: dict = {}
        if how == "all":
            for obj in objects:
                for metadata in _label_maps(obj):
                    if isinstance(metadata.get("labels"), dict):
                        every.update(metadata["labels"])
        for obj in objects:
            for metadata in _label_maps(obj):
                labels = metadata.get("labels")
                if how == "remove":
                    metadata.pop("labels", None)
                elif how == "all":
                    metadata["labels"] = dict(every)
                else:
                    n = next(numbers)
                    changed = {k: f"{v}-{n}" for k, v in labels.items()} if isinstance(labels, dict) else {}
                    metadata["labels"] = {**changed, f"mutated-{n}": "yes"}
            obj.templates = {}  # (pod templates, and their labels, are kept on the object)

    return prepare


def _reports_with_prepared_objects(monkeypatch, path, select, preparing, *extra):
    """The report of the rules of ``select`` on ``path``, and for each name of ``preparing`` the
    report with the objects changed by the ``prepare`` it makes (asked after the plain run)."""
    args = ("check", "-f", "json", "--no-cache", "--jobs", "1", "--select", ",".join(select), *extra, str(path))
    plain = run_cli(*args)
    mutated = {}
    for how, make in preparing.items():
        with monkeypatch.context() as patched:
            _before_the_index(patched, make())
            mutated[how] = run_cli(*args)
    return plain, mutated


def _relabellings():
    return {how: functools.partial(_relabel, how) for how in ("change", "remove", "all")}


def _reports_with_relabelled_objects(monkeypatch, path, select, *extra):
    return _reports_with_prepared_objects(monkeypatch, path, select, _relabellings(), *extra)


def _assert_mutations_change_nothing(monkeypatch, path, select, preparing, describe, *extra):
    """That each ``prepare`` of ``preparing`` leaves the report of the rules of ``select`` on
    ``path`` as it was (``describe(how)`` says which did not); the codes of the rules found."""
    plain, mutated = _reports_with_prepared_objects(monkeypatch, path, select, preparing, *extra)
    for how, report in mutated.items():
        assert report == plain, describe(how)
    return {f["rule"] for f in json.loads(plain[1])["findings"]}


def _assert_labels_unread(monkeypatch, path, *extra):
    return _assert_mutations_change_nothing(
        monkeypatch, path, _label_free_rules(), _relabellings(), lambda how: f"labels {how}d", *extra)


def _on_the_fixtures_and_the_examples(check):
    """``check(path, *extra)`` on the fixtures, on them with --complete and on the examples;
    what it gave on the fixtures."""
    found = check(FIXTURES)
    check(FIXTURES, "--complete")
    check(ROOT / "examples")
    return found


def test_the_rules_that_read_no_label_do_not_change_with_labels(monkeypatch):
    found = _on_the_fixtures_and_the_examples(functools.partial(_assert_labels_unread, monkeypatch))
    assert len(found & set(_label_free_rules())) >= 10, found  # (most have findings there to lose)


@needs_shared
def test_the_rules_that_read_no_label_do_not_change_with_the_labels_of_the_corpus(monkeypatch):
    _assert_labels_unread(monkeypatch, CORPUS / "real")


def test_the_relabelling_would_show_a_rule_that_reads_labels(monkeypatch):
    # The tests above can fail: the findings of the rules that read labels change with them.
    plain, mutated = _reports_with_relabelled_objects(monkeypatch, FIXTURES, ["KL301", "KL306", "KL308"])
    assert all(report != plain for report in mutated.values())


def _rules_not_reading(part):
    """--select for the shipped index rules that declare they do not read ``part`` of the facts
    (READS_FACTS), and not whole objects."""
    from k8slint.registry import shipped_impls

    return sorted(impl.rule.code for impl in shipped_impls()
                  if impl.has_check_index and not impl.whole and not impl.reads_part(part))


def _port_lists(obj):
    """The ``ports`` lists of the object's containers and of a Service's spec, as mappings that
    hold them (``holder["ports"]``)."""
    from k8slint.workloads import containers, pod_template

    holders = []
    template = pod_template(obj, "")
    if template is not None:
        holders += [container for _, container in containers(template.spec) if "ports" in container]
    spec = obj.data.get("spec")
    if obj.kind == "Service" and isinstance(spec, dict) and "ports" in spec:
        holders.append(spec)
    return holders


def _reported(how):
    """A ``prepare`` for _before_the_index that changes every port: "change" (each number one
    more, each name and named target another) or "remove" (no ports lists at all)."""

    def changed(value):
        if isinstance(value, int) and not isinstance(value, bool):
            return value + 1
        return f"{value}x" if isinstance(value, str) else value

    def prepare(objects):
        for obj in objects:
            for holder in _port_lists(obj):
                if how == "remove":
                    del holder["ports"]
                elif isinstance(holder["ports"], list):
                    holder["ports"] = [{k: changed(v) if k in ("containerPort", "port", "targetPort", "name") else v
                                        for k, v in item.items()} if isinstance(item, dict) else item
                                       for item in holder["ports"]]
            obj.templates = {}

    return prepare


def _rescaled(how):
    """A ``prepare`` for _before_the_index that changes every spec.replicas: "change" (each one
    more), "zero", "many" (each 5) or "remove"."""

    def prepare(objects):
        for obj in objects:
            spec = obj.data.get("spec")
            if not isinstance(spec, dict) or "replicas" not in spec:
                continue
            if how == "remove":
                del spec["replicas"]
            elif how == "change":
                value = spec["replicas"]
                spec["replicas"] = value + 1 if isinstance(value, int) and not isinstance(value, bool) else 2
            else:
                spec["replicas"] = 0 if how == "zero" else 5

    return prepare


_MUTATIONS = {
    "ports": {how: functools.partial(_reported, how) for how in ("change", "remove")},
    "replicas": {how: functools.partial(_rescaled, how) for how in ("change", "zero", "many", "remove")},
}


def _assert_part_unread(monkeypatch, part, path, *extra):
    return _assert_mutations_change_nothing(
        monkeypatch, path, _rules_not_reading(part), _MUTATIONS[part], lambda how: f"{part}: {how}", *extra)


@pytest.mark.parametrize("part", ["ports", "replicas"])
def test_the_rules_that_do_not_read_a_part_of_the_facts_do_not_change_with_it(monkeypatch, part):
    codes = _rules_not_reading(part)
    assert len(codes) >= 15 and "KL701" in codes and "KL501" not in codes, codes
    found = _on_the_fixtures_and_the_examples(functools.partial(_assert_part_unread, monkeypatch, part))
    assert len(found & set(codes)) >= 10, found  # (most have findings there to lose)


@needs_shared
@pytest.mark.parametrize("part", ["ports", "replicas"])
def test_the_rules_that_do_not_read_a_part_of_the_facts_do_not_change_with_it_in_the_corpus(monkeypatch, part):
    _assert_part_unread(monkeypatch, part, CORPUS / "real")


@pytest.mark.parametrize("part, readers", [("ports", ["KL303", "KL304", "KL312", "KL708"]),
                                           ("replicas", ["KL308", "KL310", "KL404"])])
def test_the_mutations_would_show_a_rule_that_reads_a_part_of_the_facts(monkeypatch, part, readers):
    # The tests above can fail: each rule that reads the part reports otherwise after some mutation
    from k8slint.registry import shipped_impls

    assert readers == sorted(impl.rule.code for impl in shipped_impls()
                             if impl.has_check_index and not impl.whole and impl.reads_part(part) and
                             part in impl.reads and impl.reads != {"ports", "replicas"})
    for code in readers:
        plain, mutated = _reports_with_prepared_objects(monkeypatch, FIXTURES, [code], _MUTATIONS[part])
        assert any(report != plain for report in mutated.values()), code


def _selector_rules():
    """The shipped index rules that declare READS_LABELS = "selectors"."""
    from k8slint.registry import shipped_impls

    codes = sorted(impl.rule.code for impl in shipped_impls() if impl.has_check_index and impl.selected)
    assert {"KL301", "KL303", "KL308", "KL310", "KL312"} <= set(codes) and "KL501" not in codes
    return codes


def _reports_outside_what_the_rule_took(monkeypatch, path, code):
    """(reports checked, reports on an object that the rule ``code`` did not take from
    Index.checked() or checked_templates()) in a run of that rule alone on ``path``."""
    import k8slint.run as run

    taken: set[int] = set()
    seen, outside = [], []

    class TakingIndex(run.Index):
        def checked(self, *kinds):
            found = super().checked(*kinds)
            taken.update(id(obj) for obj in found)
            return found

        def checked_templates(self):
            found = list(super().checked_templates())
            taken.update(id(obj) for obj, _, _ in found)
            return iter(found)

        def reported(self, obj):
            seen.append(obj)
            if id(obj) not in taken:
                outside.append((obj.file, obj.kind, obj.name))
            return super().reported(obj)

    with monkeypatch.context() as patched:
        patched.setattr(run, "Index", TakingIndex)
        run_cli("check", "-f", "json", "--no-cache", "--jobs", "1", "--select", code, str(path))
    return len(seen), outside


def test_the_selector_rules_report_only_on_the_objects_they_take(monkeypatch):
    # A label edit that selectors see lets the rules report only on the files it reaches
    # (Index.reach): the objects they take from Index.checked() and checked_templates() are
    # those files' objects, and a report on any other object is dropped (its file keeps the
    # snapshot's findings). So a rule that reads labels through selectors must report on
    # what it takes, never on an object it looked up.
    paths = [FIXTURES, ROOT / "examples", *([CORPUS / "real"] if CORPUS.is_dir() else [])]
    checked = 0
    for code in _selector_rules():
        for path in paths:
            seen, outside = _reports_outside_what_the_rule_took(monkeypatch, path, code)
            assert not outside, (code, path.name, outside[:3])
            checked += seen
    assert checked >= 40, checked


def test_the_taking_check_sees_a_report_on_a_looked_up_object(monkeypatch):
    # KL301 changed to report on the pod template closest to a Service that selects nothing
    import k8slint.checks.service_selector_mismatch as kl301
    from k8slint.rule import Report

    real = kl301.check_index

    def reporting_on_pods(index, ctx):
        for report in real(index, ctx):
            templates = index.templates(index.namespace(report.obj))
            yield Report(report.path, report.message, report.help, obj=templates[0].obj if templates else report.obj)

    monkeypatch.setattr(kl301, "check_index", reporting_on_pods)
    seen, outside = _reports_outside_what_the_rule_took(monkeypatch, FIXTURES / "KL301-service-selector-mismatch", "KL301")
    assert seen and outside


def _findings_by_file(report):
    out: dict = {}
    for f in json.loads(report[1])["findings"]:
        out.setdefault(f["file"], []).append((f["rule"], f["line"], f["column"], f["message"], f.get("help")))
    return out


def _label_value_edits_keep_the_findings_outside_their_reach(monkeypatch, path, sites=None, seed=11, reach=True):
    """For labels of ``path`` whose key a selector names, on objects that no did-you-mean chose
    (all of them, or ``sites`` chosen at random), run the selector rules with the label's value
    changed, and return (edits run, edits whose findings changed, findings changed outside the
    files the edit reaches). The reach is run_snapshot.reached's: the edited object's file and
    the files with a selector that asks for the old or the new pair, or tests the key in a
    matchExpressions; ``reach=False``: the edited object's file alone."""
    from k8slint import selectors

    captured: list = []
    args = ("check", "-f", "json", "--no-cache", "--jobs", "1", "--select", ",".join(_selector_rules()), str(path))
    with monkeypatch.context() as patched:
        _before_the_index(patched, captured.extend)
        plain = run_cli(*args)
    chosen = set(selectors.CHOSEN)
    before = _findings_by_file(plain)
    pairs_of_file: dict = {}
    for obj in captured:
        pairs_of_file.setdefault(obj.file, set()).update(run_snapshot.selector_pairs([obj]))
    seen = run_snapshot.keys_in(set().union(*pairs_of_file.values()))
    places = [(i, j, key) for i, obj in enumerate(captured) if obj.file not in chosen
              for j, holder in enumerate(_label_maps(obj)) if isinstance(holder.get("labels"), dict)
              for key, value in holder["labels"].items() if key in seen and isinstance(value, str)]
    if sites is not None:
        places = random.Random(seed).sample(places, min(sites, len(places)))
    runs, changed, outside = 0, 0, []
    for i, j, key in places:
        old = _label_maps(captured[i])[j]["labels"][key]
        new = old + "-b"

        def prepare(objects, i=i, j=j, key=key, new=new):
            _label_maps(objects[i])[j]["labels"][key] = new

        with monkeypatch.context() as patched:
            _before_the_index(patched, prepare)
            after = _findings_by_file(run_cli(*args))
        runs += 1
        changed += after != before
        asked = {(key, old), (key, new), (key, run_snapshot.ANY)}
        reached = {captured[i].file}
        if reach:
            reached |= {file for file, pairs in pairs_of_file.items() if not asked.isdisjoint(pairs)}
        for file in set(before) | set(after):
            if file not in reached and before.get(file) != after.get(file):
                outside.append((captured[i].file, key, old, file))
    return runs, changed, outside


def test_a_label_value_edit_changes_no_finding_outside_its_reach(monkeypatch, tmp_path):
    # What run_snapshot.reached claims, rule by rule: every label value that selectors can see,
    # on the fixtures of the selector rules and the examples, changed one at a time
    source = tmp_path / "source"
    shutil.copytree(ROOT / "examples", source / "examples")
    for code in _selector_rules():
        (folder,) = FIXTURES.glob(f"{code}-*")
        shutil.copytree(folder, source / folder.name)
    runs, changed, outside = _label_value_edits_keep_the_findings_outside_their_reach(monkeypatch, source)
    assert not outside, outside[:5]
    assert runs >= 20 and changed >= 5, (runs, changed)


@needs_shared
def test_a_label_value_edit_changes_no_finding_outside_its_reach_in_the_corpus(monkeypatch):
    runs, changed, outside = _label_value_edits_keep_the_findings_outside_their_reach(
        monkeypatch, CORPUS / "real", sites=80)
    assert not outside, outside[:5]
    assert runs == 80 and changed >= 5, (runs, changed)


def test_the_reach_check_sees_a_finding_outside_the_edited_file(monkeypatch, tmp_path):
    # The same edits with the edited file as their only reach: a Service in another file
    # selects a changed pair
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "a-workload.yaml").write_text(_WORKLOAD)
    (tree / "b-service.yaml").write_text(_SERVICE)
    _, changed, outside = _label_value_edits_keep_the_findings_outside_their_reach(monkeypatch, tree, reach=False)
    assert changed and any(edited.endswith("a-workload.yaml") and key == "app" and elsewhere.endswith("b-service.yaml")
                           for edited, key, _, elsewhere in outside), outside


def _relabel_unseen(how, compared):
    """A ``prepare`` for _before_the_index that changes, on every object and pod template outside
    the files in ``compared``, only the labels whose keys no selector of the run names: "change"
    (their values changed, and such a label added) or "remove" (those labels removed)."""

    def prepare(objects):
        keys = _selector_keys(objects)
        assert keys
        for n, obj in enumerate(objects):
            if obj.file in compared:
                continue
            for metadata in _label_maps(obj):
                labels = metadata.get("labels")
                if labels is not None and not isinstance(labels, dict):
                    continue
                seen = {k: v for k, v in (labels or {}).items() if k in keys}
                if how == "remove":
                    metadata["labels"] = seen
                else:
                    unseen = {k: f"{v}-{n}" for k, v in (labels or {}).items() if k not in keys}
                    metadata["labels"] = {**unseen, **seen, f"unseen-{n}": "yes"}
            obj.templates = {}

    return prepare


def _assert_unseen_labels_unread(monkeypatch, path, *extra):
    from k8slint import selectors

    compared: list[set] = []  # what the plain run's did-you-means compared, taken before any other run

    def relabel(how):
        if not compared:
            compared.append(set(selectors.COMPARED))
        return _relabel_unseen(how, compared[0])

    preparing = {how: functools.partial(relabel, how) for how in ("change", "remove")}
    found = _assert_mutations_change_nothing(
        monkeypatch, path, _selector_rules(), preparing, lambda how: f"unseen labels: {how}", *extra)
    return found, compared[0]


def test_the_selector_rules_do_not_change_with_labels_no_selector_names(monkeypatch):
    # what READS_LABELS = "selectors" promises (see run_snapshot.labels_unseen)
    found, compared = _on_the_fixtures_and_the_examples(functools.partial(_assert_unseen_labels_unread, monkeypatch))
    assert len(found & set(_selector_rules())) >= 6 and compared, found


@needs_shared
def test_the_selector_rules_do_not_change_with_labels_no_selector_names_in_the_corpus(monkeypatch):
    _assert_unseen_labels_unread(monkeypatch, CORPUS / "real")


def test_the_unseen_relabelling_would_show_a_did_you_mean(monkeypatch):
    # The tests above can fail: on the objects a did-you-mean compared, labels no selector names
    # change what it says (the fixtures have such a case).
    preparing = {"change": functools.partial(_relabel_unseen, "change", set())}
    plain, mutated = _reports_with_prepared_objects(monkeypatch, FIXTURES, _selector_rules(), preparing)
    assert mutated["change"] != plain


def test_a_cached_result_from_before_selector_keys_gets_its_digests_again(tmp_path):
    # Before results kept their selector keys, the facts hashed env values whole: the digests
    # of such a cache entry are of other facts, and are computed again (else a warm run would
    # take an unchanged env value for a changed fact, or the other way round)
    from k8slint.file_result import FileResult

    tree = tmp_path / "tree"
    tree.mkdir()
    env = "          env:\n            - {name: LOG_LEVEL, value: debug}\n"
    (tree / "a.yaml").write_text(_WORKLOAD.replace("          ports:\n", env + "          ports:\n"))
    cache = tmp_path / "cache"
    _check(tree, cache)
    (entry,) = [p for p in cache.rglob("*.pickle")]
    from k8slint.cache import _SafeUnpickler

    result = _SafeUnpickler(entry.open("rb")).load()
    assert isinstance(result, FileResult) and result.selector_pairs is not None
    right = result.facts
    result.selector_pairs, result.facts = None, (b"stale",) * 4
    assert run_snapshot.digests(result) == right and result.selector_pairs is not None
