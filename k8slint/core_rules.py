"""Rules of the KL0xx band: reading the files and validating them against the Kubernetes schema."""
from __future__ import annotations

from k8slint.findings import Severity
from k8slint.rule import Rule

E, W, I = Severity.ERROR, Severity.WARNING, Severity.INFO

YAML_SYNTAX = Rule(
    "KL001", "yaml-syntax", E, "syntax",
    "The file is not valid YAML or JSON (or not valid UTF-8).",
    why="kubectl cannot read the file at all, so none of its objects can be applied. "
    "k8slint reports the position where the parser gave up and still checks the other "
    "documents of the file and the other files.",
    example="metadata:\n  name: web\n   labels:   # indented one space too far\n    app: web\n",
    use_instead="metadata:\n  name: web\n  labels:\n    app: web\n",
)
DUPLICATE_KEY = Rule(
    "KL002", "duplicate-key", E, "syntax",
    "A mapping has the same key twice.",
    why="YAML parsers silently keep only one of the two values, and the API server rejects "
    "duplicate fields with strict field validation. Usually one of the two blocks was meant "
    "to be merged into the other.",
    example="containers:\n- name: web\n  image: nginx:1.27\n  image: nginx:1.26\n",
    use_instead="containers:\n- name: web\n  image: nginx:1.27\n",
)
MISSING_TYPE_META = Rule(
    "KL003", "missing-type-meta", E, "syntax",
    "A document has a kind but no apiVersion, or an apiVersion but no kind.",
    why="Every Kubernetes object needs both apiVersion and kind; kubectl refuses a document "
    "with only one of them. Documents with neither (kustomization.yaml, Helm values, CI "
    "files) are not Kubernetes objects and are skipped instead.",
    example="kind: Service\nmetadata:\n  name: web\n",
    use_instead="apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n",
)
HELM_TEMPLATE = Rule(
    "KL004", "helm-template", I, "syntax",
    "The file contains Helm/Go template syntax and is skipped.",
    why="A template is not a manifest until it is rendered: `{{ .Values.x }}` is not YAML "
    "that Kubernetes accepts. Check the rendered output instead.",
    example="image: {{ .Values.image.repository }}:{{ .Values.image.tag }}\n",
    use_instead="helm template my-release ./chart | k8slint check -\n",
)
UNSUPPORTED_TAG = Rule(
    "KL005", "unsupported-tag", E, "syntax",
    "A value carries an explicit YAML tag that Kubernetes does not understand.",
    why="Kubernetes reads plain YAML data. Application-specific tags such as `!Ref` or "
    "`!!python/object` are rejected by kubectl (k8slint never constructs them).",
    example="image: !Sub '${Repo}:1.0'\n",
    use_instead="image: registry.example.com/app:1.0\n",
)
INVALID_KEY = Rule(
    "KL006", "invalid-key", E, "syntax",
    "A mapping key is null, a list or a mapping.",
    why="Kubernetes converts YAML to JSON, where every key is a string; kubectl rejects "
    "null and complex keys.",
    example="labels:\n  ~: web\n",
    use_instead="labels:\n  app: web\n",
)
INPUT_LIMIT = Rule(
    "KL007", "input-limit", E, "syntax",
    "A file or document goes over one of k8slint's input limits (size, nesting depth, "
    "documents per file, nodes reached through YAML aliases) and is not checked past it.",
    why="A CI gate reads files from pull requests that anyone can open. A YAML alias bomb "
    "(a few lines that expand to billions of values), a file of gigabytes or a document "
    "nested thousands of levels deep would make any tool, and kubectl, run out of time or "
    "memory. k8slint measures them without expanding anything, reports the limit and the "
    "flag that raises it, and checks the rest. The defaults are far above real manifests.",
    example="a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
    "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n# ... nine levels: about 400 million values\n",
    use_instead="# write out what you need; no manifest needs aliases that expand this far\n"
    "data:\n  greeting: hello\n",
)
UNKNOWN_FIELD = Rule(
    "KL010", "unknown-field", E, "schema",
    "A field that the Kubernetes schema does not define (usually a typo or a wrong indent).",
    why="With strict field validation the API server rejects unknown fields; with lax "
    "validation it silently drops them, so a misspelt `contianers` or a `resources` block "
    "indented one level too deep never takes effect.",
    example="spec:\n  template:\n    spec:\n      contianers:\n      - name: web\n",
    use_instead="spec:\n  template:\n    spec:\n      containers:\n      - name: web\n",
    fixable="sometimes",  # a misspelt key with one near field name that is not there already
)
WRONG_TYPE = Rule(
    "KL011", "wrong-type", E, "schema",
    "A value has the wrong type, such as a string where an integer is required.",
    why="The API server rejects the object. A frequent cause is YAML 1.1 as Kubernetes reads "
    "it: unquoted yes/no/on/off are booleans and 0755 is an octal number, so `value: yes` in "
    "an env var is not the string \"yes\".",
    example="env:\n- name: DEBUG\n  value: yes\n",
    use_instead='env:\n- name: DEBUG\n  value: "yes"\n',
    fixable="sometimes",  # a plain scalar read as a boolean or number where text is meant: quoted
)
INVALID_VALUE = Rule(
    "KL012", "invalid-value", E, "schema",
    "A value that the field does not allow, such as a value outside its fixed set.",
    why="The API server rejects values outside the set (restartPolicy, imagePullPolicy, "
    "Service type, protocol, accessModes, ...). Most are typos or wrong capitalisation.",
    example="restartPolicy: Allways\n",
    use_instead="restartPolicy: Always\n",
    fixable="sometimes",  # a string within two edits of exactly one allowed value
)
MISSING_FIELD = Rule(
    "KL013", "missing-required-field", E, "schema",
    "A field that the schema requires is missing.",
    why="The API server rejects the object. In lists, a stray `-` often splits one item into "
    "two, so that the second has no `name`.",
    example="env:\n- name: AUTH_ADDRESS\n- value: auth-service:80\n",
    use_instead="env:\n- name: AUTH_ADDRESS\n  value: auth-service:80\n",
)
UNKNOWN_API_VERSION = Rule(
    "KL020", "unknown-api-version", E, "schema",
    "A built-in kind is used with an apiVersion that the selected Kubernetes version does not serve.",
    why="Old API versions are removed over time (apps/v1beta1 Deployments since 1.16, "
    "extensions/v1beta1 Ingress since 1.22, ...); kubectl fails with \"no matches for kind\". "
    "For a removal listed in the Kubernetes deprecation guide (schemas/deprecations.yaml) the "
    "finding says when it was removed and which apiVersion replaces it since which release.",
    example="apiVersion: apps/v1beta1\nkind: Deployment\n",
    use_instead="apiVersion: apps/v1\nkind: Deployment\n",
    fixable="sometimes",  # one replacement of the same kind (unsafe if the object must change too)
)
DEPRECATED_API = Rule(
    "KL023", "deprecated-api-version", W, "schema",
    "The apiVersion of a kind is deprecated in the selected Kubernetes version and will be removed.",
    why="Kubernetes deprecates beta API versions and removes them a few releases later; after "
    "an upgrade past the removal, kubectl apply fails with \"no matches for kind\" and Helm or "
    "GitOps tools stop syncing. The facts come from the Kubernetes deprecation guide and are kept "
    "as data in schemas/deprecations.yaml: when it was deprecated, when it is removed, and which "
    "apiVersion replaces it since which release. Select the Kubernetes version you run with "
    "--kubernetes-version; once removed, the same apiVersion is an error (KL020).",
    example="apiVersion: batch/v1beta1   # deprecated in 1.21, removed in 1.25\nkind: CronJob\n",
    use_instead="apiVersion: batch/v1\nkind: CronJob\n",
    fixable="sometimes",  # one replacement of the same kind (unsafe if the object must change too)
)
UNKNOWN_KIND = Rule(
    "KL021", "unknown-kind", E, "schema",
    "The kind does not exist in a built-in Kubernetes API group.",
    why="kubectl fails with \"no matches for kind\". Usually the kind is misspelt or has the "
    "wrong capitalisation.",
    example="apiVersion: apps/v1\nkind: Deploymnet\n",
    use_instead="apiVersion: apps/v1\nkind: Deployment\n",
)
NO_SCHEMA = Rule(
    "KL022", "no-schema", I, "schema",
    "No schema is known for this apiVersion/kind (a custom resource), so it is not validated.",
    why="k8slint bundles schemas for the built-in Kubernetes API. A custom resource is validated "
    "when its CustomResourceDefinition is among the checked files or the context, or when "
    "--schema-location names a folder of JSON schemas laid out as {group}/{kind}_{version}.json "
    "(the layout of the common CRD catalogs). Otherwise it is reported once per kind so that "
    "nothing passes silently; `--strict-kinds` turns this into an error.",
    example="apiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\n",
    use_instead="# nothing to change; use --strict-kinds to require a schema for every kind\n",
)

UNUSED_SUPPRESSION = Rule(
    "KL901", "unused-suppression", W, "suppression",
    "A suppression (ignore comment or k8slint.io/ignore annotation) that suppresses nothing.",
    why="Suppressions outlive the problems they hid: once the manifest is fixed or the rule "
    "no longer fires, the comment only misleads readers and would hide a future, real "
    "problem. Off by default; enable it with extend-select: [KL901].",
    example="image: nginx:1.27  # k8slint: ignore[KL202]\n",
    use_instead="image: nginx:1.27\n",
    default_enabled=False,
)

CORE_RULES = (
    YAML_SYNTAX, DUPLICATE_KEY, MISSING_TYPE_META, HELM_TEMPLATE, UNSUPPORTED_TAG, INVALID_KEY, INPUT_LIMIT,
    UNKNOWN_FIELD, WRONG_TYPE, INVALID_VALUE, MISSING_FIELD,
    UNKNOWN_API_VERSION, UNKNOWN_KIND, NO_SCHEMA, DEPRECATED_API, UNUSED_SUPPRESSION,
)
