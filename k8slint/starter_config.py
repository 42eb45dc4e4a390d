"""``k8slint init``: a commented starter configuration, written without overwriting anything."""
from __future__ import annotations

import os

from k8slint.schema_store import latest_version

NAME = ".k8slint.yaml"


def text() -> str:
    newest = latest_version()
    return f"""\
# k8slint configuration (https://github.com/k8slint/k8slint#configuration).
# Every setting is optional; uncomment what you need. Command-line options win over these.

# The Kubernetes version whose schema objects are validated against (bundled: 1.16 to {newest}).
# kubernetes-version: "{newest}"

# Which rules run: `k8slint rules` lists them, `k8slint explain KL301` explains one.
# select: [ALL]                  # default: the rules that are on by default
# extend-select: [KL901]         # add rules that are off by default
# ignore: [latest-tag]           # codes or names
# severity: {{KL202: error}}       # change a rule's severity
# per-path-ignores:
#   "legacy/**": [KL301]

# Policy profiles, off by default: pss-baseline, pss-restricted, best-practices.
# profiles: [pss-baseline]

# Cross-object rules (a Service that selects no pod, a ConfigMap that does not exist) see the
# checked files plus this context: give the whole project so that checking one changed file
# does not report its neighbours as missing.
# context: [.]
# assume-complete: false         # true: references to absent objects are errors, not warnings
# default-namespace: default     # for objects without metadata.namespace

# Custom resources: CRD schemas laid out as {{group}}/{{kind}}_{{version}}.json.
# schema-locations: [schemas/crds]
# strict-kinds: false            # true: kinds without a schema are errors

# Your own YAML rule packs.
# rules-dirs: [policies/]

# Files and folders never to check.
# exclude: ["charts/**", "**/testdata/**"]
"""


def write(path: str, force: bool = False) -> None:
    """Raises FileExistsError unless ``force``; writes through a temporary file and a rename."""
    from k8slint.outputs import write_atomically

    if os.path.exists(path) and not force:
        raise FileExistsError(path)
    write_atomically(path, text())
