"""Generate the benchmark tree: N valid Kubernetes documents copied from the real corpus.

    python bench/make_tree.py                      # 10,000 documents → bench/out/tree-10000
    python bench/make_tree.py --docs 50000         # → bench/out/tree-50000 (scaling series)

Source documents: the documents of ../shared/corpus/real that
  * come from a file for which ``k8slint check --format json`` reports no error-severity finding
    (Helm templates and files containing "{{", kustomization files, Chart.yaml, requirements.yaml
    and values*.yaml are not considered at all);
  * are mappings with apiVersion, kind and a plain or quoted metadata.name (``*List`` kinds and
    kustomize/builtin tool configuration are left out).

Each copy keeps its original text (comments, quoting, key order, YAML 1.1 scalars) byte for
byte, names included, so that the references between objects (Service → pods, HPA → target,
PVC → PV) stay as valid as in the corpus. The tree is laid out in rounds: round NNN holds one
copy of every source document (at most one object per kind and name, so no duplicates),
shuffled by --seed, as multi-document files of 5 to 10 documents in rNNN/mNNNNN.yaml — like a
repository with many environments side by side. JSON documents are re-emitted as indented
JSON, which is valid YAML. Source documents that give an error next to the others (a Service
whose pods were left out, say) are dropped until the pool is clean; the finished tree is
checked with k8slint (it must report no error) and written atomically, with a tree.info file
that records how it was made.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.nodes import MappingNode, ScalarNode

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus" / "real"
SUFFIXES = (".yaml", ".yml", ".json")
NOT_MANIFESTS = {"kustomization.yaml", "kustomization.yml", "Kustomization", "Chart.yaml", "Chart.yml",
                 "requirements.yaml", "requirements.yml"}


def k8slint_command() -> list[str]:
    """The k8slint console script of this interpreter's environment (or ``python -m k8slint``)."""
    script = Path(sys.executable).with_name("k8slint")
    return [str(script)] if script.exists() else [sys.executable, "-m", "k8slint"]


def check_json(paths: list[str]) -> dict:
    proc = subprocess.run(k8slint_command() + ["check", "--format", "json", *paths],
                          capture_output=True, text=True)
    if proc.returncode not in (0, 1) or "Traceback" in proc.stderr:
        sys.exit(f"make_tree: k8slint failed (exit {proc.returncode}):\n{proc.stderr}")
    return json.loads(proc.stdout)


def candidate_files(corpus: Path) -> list[Path]:
    out = []
    for f in sorted(p for p in corpus.rglob("*") if p.suffix in SUFFIXES and p.is_file()):
        if f.name in NOT_MANIFESTS or (f.name.startswith("values") and f.suffix in (".yaml", ".yml")):
            continue
        if "{{" in f.read_text(encoding="utf-8-sig", errors="replace"):
            continue
        out.append(f)
    return out


def _get(mapping: MappingNode, key: str):
    for k, v in mapping.value:
        if isinstance(k, ScalarNode) and k.value == key:
            return v
    return None


def _is_tool_config(api_version: str) -> bool:
    return api_version == "builtin" or api_version.rpartition("/")[0] in ("kustomize.config.k8s.io", "builtin")


Template = tuple[str, int, str, str]  # document text, offset where the suffix goes, name, kind


def yaml_templates(text: str) -> list[Template]:
    """Documents of a YAML file → templates (each document's own text, cut out of the file)."""
    out = []
    for root in YAML(typ="safe", pure=False).compose_all(text):
        if not isinstance(root, MappingNode):
            continue
        av, kind, meta = _get(root, "apiVersion"), _get(root, "kind"), _get(root, "metadata")
        if not (isinstance(av, ScalarNode) and isinstance(kind, ScalarNode) and isinstance(meta, MappingNode)):
            continue
        if kind.value.endswith("List") or _is_tool_config(av.value):
            continue
        name = _get(meta, "name")
        if not isinstance(name, ScalarNode) or not name.value or name.style not in (None, "", '"', "'"):
            continue
        start = text.rfind("\n", 0, root.start_mark.index) + 1  # from the start of the first line
        end = root.end_mark.index
        at = name.end_mark.index - (1 if name.style in ('"', "'") else 0)
        body = text[name.start_mark.index + (1 if name.style else 0):at]
        if body != name.value or "\n" in body:  # escapes or folded text: no safe place to splice
            continue
        doc = text[start:end]
        lead = doc[:root.start_mark.index - start]
        if lead.strip():  # e.g. "--- apiVersion: v1": blank out what precedes the mapping
            doc = " " * len(lead) + doc[len(lead):]
        out.append((doc.rstrip() + "\n", at - start, name.value, kind.value))
    return out


def json_templates(text: str) -> list[Template]:
    data = json.loads(text)
    meta = data.get("metadata") if isinstance(data, dict) else None
    if not (isinstance(meta, dict) and isinstance(meta.get("name"), str) and meta["name"]
            and isinstance(data.get("apiVersion"), str) and isinstance(data.get("kind"), str)):
        return []
    if data["kind"].endswith("List") or _is_tool_config(data["apiVersion"]):
        return []
    marker = "\x00SUFFIX\x00"
    meta["name"] += marker
    doc = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    at = doc.index(json.dumps(marker)[1:-1])
    name = meta["name"][:-len(marker)]
    return [(doc.replace(json.dumps(marker)[1:-1], ""), at, name, data["kind"])]


def instantiate(template: Template) -> str:
    return template[0]


def unique(pool: list[Template]) -> list[Template]:
    """One document per kind and name, so that a round (one copy of each) has no duplicates."""
    seen: set[tuple[str, str]] = set()
    out = []
    for template in pool:
        key = (template[3], template[2])
        if key not in seen:
            seen.add(key)
            out.append(template)
    return out


def standalone_valid(pool: list[Template]) -> list[Template]:
    """Keep the documents k8slint finds no error in when they stand together away from the
    corpus (a file valid in place may be a kustomize patch, or refer to a document left out):
    drop the ones with errors until the pool is clean."""
    for _ in range(10):
        with tempfile.TemporaryDirectory() as tmp:
            for i, template in enumerate(pool):
                Path(tmp, f"t{i:05d}.yaml").write_text(instantiate(template), encoding="utf-8")
            report = check_json([tmp])
        bad = {Path(f["file"]).name for f in report["findings"] if f["severity"] == "error"}
        if not bad:
            return pool
        pool = [t for i, t in enumerate(pool) if f"t{i:05d}.yaml" not in bad]
    return pool


def build(docs: int, out: Path, corpus: Path, seed: int) -> None:
    files = candidate_files(corpus)
    report = check_json([str(f) for f in files])
    bad = {f["file"] for f in report["findings"] if f["severity"] == "error"}
    bad |= {e["path"] if isinstance(e, dict) else str(e) for e in report.get("input_errors", [])}
    pool: list[Template] = []
    source: dict[int, Path] = {}  # id(template) → its file, to count the files used
    for f in files:
        if str(f) in bad:
            continue
        text = f.read_text(encoding="utf-8-sig")
        for template in json_templates(text) if f.suffix == ".json" else yaml_templates(text):
            pool.append(template)
            source[id(template)] = f
    pool = standalone_valid(unique(pool))
    used_files = len({source[id(t)] for t in pool})
    if not pool:
        sys.exit(f"make_tree: no valid documents found under {corpus}")

    rng = random.Random(seed)
    rounds: list[list[int]] = []
    total = 0
    while total < docs:  # every source document used equally often, one copy per round
        rnd = list(range(len(pool)))
        rng.shuffle(rnd)
        rnd = rnd[:docs - total]
        rounds.append(rnd)
        total += len(rnd)
    order = [i for rnd in rounds for i in rnd]

    tmp = out.with_name(out.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    file_index = 0
    for number, rnd in enumerate(rounds):
        folder = tmp / f"r{number:03d}"
        folder.mkdir(parents=True, exist_ok=True)
        at = 0
        while at < len(rnd):
            count = min(rng.randint(5, 10), len(rnd) - at)
            parts = [instantiate(pool[i]) for i in rnd[at:at + count]]
            (folder / f"m{file_index:05d}.yaml").write_text("---\n" + "---\n".join(parts), encoding="utf-8")
            at += count
            file_index += 1

    summary = check_json([str(tmp)])["summary"]
    if summary["errors"] or summary["documents"] != docs:
        sys.exit(f"make_tree: generated tree is not as intended (k8slint summary {summary}); left in {tmp}")
    kinds: dict[str, int] = {}
    for i in order:
        kinds[pool[i][3]] = kinds.get(pool[i][3], 0) + 1
    info = {
        "docs": docs, "files": file_index, "seed": seed, "corpus": str(corpus),
        "source_files": used_files, "source_documents": len(pool), "k8slint_summary": summary,
        "kinds": dict(sorted(kinds.items(), key=lambda kv: -kv[1])),
    }
    (tmp / "tree.info").write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")
    shutil.rmtree(out, ignore_errors=True)
    os.replace(tmp, out)
    print(f"make_tree: wrote {docs} documents in {file_index} files to {out} "
          f"(from {len(pool)} documents of {used_files} valid corpus files; "
          f"k8slint: {summary['objects']} objects, {summary['errors']} errors)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=10000, help="number of documents (default 10000)")
    ap.add_argument("--out", type=Path, help="output directory (default bench/out/tree-DOCS)")
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="source corpus (default ../shared/corpus/real)")
    ap.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    args = ap.parse_args()
    out = args.out or BENCH / "out" / f"tree-{args.docs}"
    build(args.docs, out.resolve(), args.corpus.resolve(), args.seed)


if __name__ == "__main__":
    main()
