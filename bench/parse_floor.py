"""Parse-only floor: compose every YAML document with ruamel.yaml's C parser, and nothing else.

    python bench/parse_floor.py PATH...            # YAML(typ="safe", pure=False).compose_all
    python bench/parse_floor.py --c-only PATH...   # the same C parser with tag resolution off

Directories are walked recursively for *.yaml, *.yml and *.json (sorted); prints the number of
documents composed. A file that fails to parse keeps the documents composed before the error.

The default is the floor as the issue defines it. ruamel.yaml still resolves every plain scalar's
tag in Python on that path (its Resolver), which costs more than libyaml's parsing itself;
--c-only turns that off the way k8slint's loader does, so only libyaml and node creation remain.
"""
import sys
from pathlib import Path

from _ruamel_yaml import CParser  # ruamel.yaml.clib
from ruamel.yaml import YAML


class CComposer(CParser):  # no tag resolution: what k8slint.loader composes with
    def resolve(self, *args):
        return None

    def descend_resolver(self, *args):
        pass

    def ascend_resolver(self, *args):
        pass


def compose_c_only(text):
    parser = CComposer(text)
    try:
        while parser.check_node():
            yield parser.get_node()
    finally:
        parser.dispose()


args = sys.argv[1:]
compose_all = compose_c_only if "--c-only" in args else (lambda text: YAML(typ="safe", pure=False).compose_all(text))
files = []
for p in map(Path, (a for a in args if a != "--c-only")):
    files += sorted(f for f in p.rglob("*") if f.suffix in (".yaml", ".yml", ".json") and f.is_file()) if p.is_dir() else [p]
n = 0
for f in files:
    try:
        for _ in compose_all(f.read_text(encoding="utf-8-sig")):
            n += 1
    except Exception:  # unparsable file (Helm template, ...): go on with the next one
        pass
print(n)
