"""Project configuration: ``.k8slint.yaml`` or ``[tool.k8slint]`` in ``pyproject.toml``.

Found by walking up from the first checked path (``--config FILE`` overrides). Paths in the
configuration (per-path ignores, rule directories, context) are relative to the folder of
the file that sets them. An invalid configuration is an error that names the file, line and
column, and the run exits 2.

    select: [KL001, image-tag-typo]     # run only these (codes or names); default: the default set
    extend-select: [KL901]              # run these on top (rules that are off by default)
    ignore: [KL202]                     # never report these
    severity: {KL202: error}            # change a rule's severity
    per-path-ignores: {"legacy/**": [KL301]}
    kubernetes-version: "1.30"
    default-namespace: prod             # namespace of objects that set none (default: default)
    rules-dirs: [policies/]             # extra YAML rule packs
    context: [deploy/]                  # read for cross-object rules, not reported on
    exclude: ["charts/**"]
    strict-kinds: false
    profiles: [pss-baseline]            # rule profiles to enable (k8slint rules lists them)
    assume-complete: false              # references to objects not in the files are errors
    schema-locations: [schemas/crds]    # JSON schemas for custom resources ({group}/{kind}_{version}.json)
"""
from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any, Optional

from k8slint.pathtext import clean, lineage, resolve

if TYPE_CHECKING:
    from k8slint.pathtext import PathText

CONFIG_NAMES = (".k8slint.yaml", ".k8slint.yml")
KEYS = {
    "select": "list", "extend-select": "list", "ignore": "list", "severity": "map",
    "per-path-ignores": "map", "kubernetes-version": "str", "default-namespace": "str",
    "rules-dirs": "list", "context": "list", "exclude": "list", "strict-kinds": "bool",
    "profiles": "list", "assume-complete": "bool", "schema-locations": "list",
}
SEVERITY_NAMES = ("error", "warning", "info")


class ConfigError(Exception):
    """An invalid configuration; str() is the one-line message with the location."""


class Config:
    def __init__(self, path: Optional[PathText] = None):
        # Paths are text (as pathlib would print them): a run does not import pathlib (~6 ms).
        self.path = clean(path) if path is not None else None
        self.root = (os.path.dirname(self.path) or ".") if self.path is not None else os.getcwd()
        self.select: Optional[list[str]] = None
        self.extend_select: list[str] = []
        self.ignore: list[str] = []
        self.severity: dict[str, str] = {}
        self.per_path_ignores: dict[str, list[str]] = {}
        self.kubernetes_version: Optional[str] = None
        self.default_namespace = "default"
        self.rules_dirs: list[str] = []
        self.context: list[str] = []
        self.exclude: list[str] = []
        self.strict_kinds = False
        self.profiles: list[str] = []
        self.assume_complete = False
        self.schema_locations: list[str] = []
        self.located: Optional[_Located] = None  # where the settings are written


def find_config(paths: list[str]) -> Optional[str]:
    """The nearest configuration above the first checked path (or the working directory)."""
    start = os.getcwd()
    for arg in paths:
        if arg != "-":
            try:
                candidate = resolve(arg)
                start = candidate if os.path.isdir(candidate) else os.path.dirname(candidate)
            except OSError:  # a link loop: reported when the path is read
                start = os.path.dirname(os.path.abspath(arg))
            break
    for folder in lineage(start):
        for name in CONFIG_NAMES:
            if os.path.isfile(os.path.join(folder, name)):
                return os.path.join(folder, name)
        pyproject = os.path.join(folder, "pyproject.toml")
        if os.path.isfile(pyproject) and "[tool.k8slint" in _read(pyproject, errors="replace"):
            return pyproject
    return None


def _read(path: str, errors: str = "strict") -> str:
    with open(path, encoding="utf-8", errors=errors) as f:
        return f.read()


def _under(root: str, path: str) -> str:
    """A path of the configuration, relative to its folder, as pathlib's ``root / path`` prints."""
    return clean(os.path.join(root, path))


class _Located:
    """Where a configuration value is written, for error messages."""

    def __init__(self, path: str, text: str, root_node: Any = None):
        self.path = path
        self.text = text
        self.root_node = root_node

    def where(self, keys: tuple) -> str:
        if self.root_node is not None:
            from k8slint.locate import find_node, node_span

            node, _ = find_node(self.root_node, keys, want_key=len(keys) == 1)
            span = node_span(node)
            return f"{self.path}:{span.line}:{span.column}"
        # TOML: find the line that sets the key inside [tool.k8slint]
        needle = str(keys[0]) if keys else ""
        for number, line in enumerate(self.text.splitlines(), 1):
            stripped = line.strip()
            if needle and (stripped.startswith(needle) or stripped.startswith(f'"{needle}"')):
                return f"{self.path}:{number}:{line.index(stripped[0]) + 1}"
        return str(self.path)


def load_config(path: PathText) -> Config:
    path = clean(path)
    try:
        text = _read(path)
    except (OSError, UnicodeDecodeError) as err:
        raise ConfigError(f"{path}: cannot read configuration: {err}") from None
    if os.path.basename(path) == "pyproject.toml":
        data = _toml_section(path, text)
        located = _Located(path, text)
    else:
        from k8slint.loader import load_text

        loaded = load_text(text)
        if loaded.issues:
            issue = loaded.issues[0]
            raise ConfigError(f"{path}:{issue.line + 1}:{issue.column + 1}: {issue.message}")
        docs = [d for d in loaded.documents if d.data is not None]
        if not docs:
            return Config(path)
        if docs[0].issues:
            issue = docs[0].issues[0]
            mark = issue.node.start_mark if issue.node is not None else None
            where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path)
            raise ConfigError(f"{where}: {issue.message}")
        data = docs[0].data
        located = _Located(path, text, docs[0].root)
    if not isinstance(data, dict):
        raise ConfigError(f"{located.where(())}: the configuration must be a mapping of settings")
    return _build(path, data, located)


def _toml_section(path: str, text: str) -> Any:
    try:
        import tomllib  # type: ignore[import-not-found]
    except ImportError:  # Python 3.10
        import tomli as tomllib  # type: ignore[no-redef]
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(f"{path}: invalid TOML: {err}") from None
    return document.get("tool", {}).get("k8slint", {})


def _build(path: str, data: dict[str, Any], located: _Located) -> Config:
    from k8slint.suggest import did_you_mean

    config = Config(path)
    for key, value in data.items():
        kind = KEYS.get(key)
        if kind is None:
            hint = did_you_mean(str(key), KEYS) or "the settings are: " + ", ".join(KEYS)
            raise ConfigError(f"{located.where((key,))}: unknown setting {key!r}; {hint}")
        _check_type(key, value, kind, located)
    config.select = [str(v) for v in data["select"]] if "select" in data else None
    config.extend_select = [str(v) for v in data.get("extend-select", [])]
    config.ignore = [str(v) for v in data.get("ignore", [])]
    for code, severity in data.get("severity", {}).items():
        if severity not in SEVERITY_NAMES:
            raise ConfigError(
                f"{located.where(('severity', code))}: severity of {code} must be one of "
                f"{', '.join(SEVERITY_NAMES)}, not {severity!r}"
            )
        config.severity[str(code)] = severity
    for glob, codes in data.get("per-path-ignores", {}).items():
        if not isinstance(codes, list) or not all(isinstance(c, str) for c in codes):
            raise ConfigError(f"{located.where(('per-path-ignores', glob))}: expected a list of rule codes or names")
        config.per_path_ignores[str(glob)] = codes
    if "kubernetes-version" in data:
        config.kubernetes_version = str(data["kubernetes-version"])
    if "default-namespace" in data:
        config.default_namespace = data["default-namespace"]
    config.rules_dirs = [_under(config.root, str(p)) for p in data.get("rules-dirs", [])]
    config.context = [_under(config.root, str(p)) for p in data.get("context", [])]
    config.exclude = [str(p) for p in data.get("exclude", [])]
    config.strict_kinds = bool(data.get("strict-kinds", False))
    config.profiles = [str(p) for p in data.get("profiles", [])]
    config.assume_complete = bool(data.get("assume-complete", False))
    config.schema_locations = [_under(config.root, str(p)) for p in data.get("schema-locations", [])]
    config.located = located
    return config


def _check_type(key: str, value: Any, kind: str, located: _Located) -> None:
    ok = {
        "list": isinstance(value, list) and all(isinstance(v, (str, int, float)) for v in value),
        "map": isinstance(value, dict),
        "str": isinstance(value, (str, int, float)) and not isinstance(value, bool),
        "bool": isinstance(value, bool),
    }[kind]
    if not ok:
        wanted = {"list": "a list", "map": "a mapping", "str": "a string", "bool": "true or false"}[kind]
        raise ConfigError(f"{located.where((key,))}: {key} must be {wanted}")


def where(config: Config, keys: tuple) -> str:
    """file:line:col of a setting, for errors found after loading (an unknown rule code)."""
    if config.located is not None:
        return config.located.where(keys)
    return str(config.path or "configuration")
