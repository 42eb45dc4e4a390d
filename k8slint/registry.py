"""Every rule k8slint knows: the reading and schema rules (KL0xx), the Python rules in
``k8slint/checks/`` (one module per rule, found by listing the package) and the YAML rule
packs (``rules/*.yaml`` shipped with k8slint, plus ``--rules-dir`` / ``rules-dirs``).

Which rules run is decided here too, from ``select``, ``extend-select`` and ``ignore``
(codes or names) and each rule's ``default_enabled``.
"""
from __future__ import annotations

import importlib
import os
import sys
from typing import Any, Callable, Iterable, Optional

from k8slint.core_rules import CORE_RULES
from k8slint.rule import Rule

# Renamed or renumbered rules: old code or name → current code. Codes are never reused.
REDIRECTS: dict[str, str] = {}

# Profiles that contain others: the Pod Security Standards' restricted level is the baseline
# level plus its own controls, so --profile pss-restricted runs both packs.
PROFILE_INCLUDES: dict[str, tuple[str, ...]] = {"pss-restricted": ("pss-baseline",)}


class UnknownRule(ValueError):
    pass


# The parts of an object's facts that an index rule may declare it does not read (READS_FACTS in
# its module): each container's ports and a Service's spec.ports; spec.replicas.
READABLE = frozenset(("ports", "replicas"))


class RuleImpl:
    """A rule and its logic: ``check(obj, ctx)`` for object rules, ``check_index(index, ctx)``
    for index rules, neither for the KL0xx rules the loader and schema check report.

    The logic may be loaded lazily: ``loader()`` returns the implementation (a RuleImpl with
    the logic) the first time ``check`` or ``check_index`` is read, so a run imports only the
    rules it uses (see k8slint/rule_index.py)."""

    __slots__ = (
        "rule", "kinds", "origin", "has_check", "has_check_index", "_check", "_check_index", "_loader", "whole",
        "labels", "selected", "reads",
    )

    def __init__(
        self, rule: Rule, kinds: Optional[frozenset[str]] = None, check: Optional[Callable] = None,
        check_index: Optional[Callable] = None, origin: str = "k8slint",
        loader: Optional[Callable[[], "RuleImpl"]] = None, has_check: bool = False, has_check_index: bool = False,
        whole: bool = False, labels: bool = True, selected: bool = False, reads: frozenset[str] = READABLE,
    ):
        self.rule = rule
        # Object rules run only on these kinds; index rules report only on them and are skipped
        # when no checked object is of them (None: every kind).
        self.kinds = kinds
        self.origin = origin
        self._check = check
        self._check_index = check_index
        self._loader = loader
        self.has_check = check is not None or has_check
        self.has_check_index = check_index is not None or has_check_index
        # An index rule whose findings depend on whole objects (READS_WHOLE_OBJECTS in its
        # module), not only on the facts a run's snapshot compares (see k8slint.run_snapshot).
        self.whole = whole
        # Whether an index rule's findings may depend on labels (the objects' and their pod
        # templates'): True unless its module says READS_LABELS = False. A warm run whose edits
        # changed only labels runs again only the rules that read them (see k8slint.run_snapshot).
        self.labels = labels
        # Whether such a rule reads labels only by matching them against selectors (keys of
        # mappings under fields named selector, podSelector, namespaceSelector or labelSelector)
        # and through k8slint.selectors.closest_match: READS_LABELS = "selectors" in its module.
        # A warm run whose edits changed only labels that no selector names, on objects no
        # did-you-mean compared, keeps its findings (see run_snapshot.labels_unseen).
        self.selected = selected
        # Which of the facts kept apart from the rest (READABLE) an index rule's findings may
        # depend on: all unless its module says READS_FACTS = {...}. A warm run whose edits
        # changed only some of them runs again only the rules that read those.
        self.reads = reads

    def reads_part(self, part: str) -> bool:
        """Whether the rule must run again when a part of the facts changed (see
        k8slint.run_snapshot.PARTS): labels, ports or replicas. Rules that compare whole objects
        are left to the caller."""
        if self.whole:
            return False
        return self.labels if part == "labels" else part in self.reads

    def _load(self) -> None:
        loader, self._loader = self._loader, None
        if loader is not None:
            impl = loader()
            self._check, self._check_index = impl._check, impl._check_index

    @property
    def check(self) -> Optional[Callable]:
        if self._loader is not None:
            self._load()
        return self._check

    @property
    def check_index(self) -> Optional[Callable]:
        if self._loader is not None:
            self._load()
        return self._check_index


def _import_rule_module(name: str) -> Any:
    """``import k8slint.checks.<name>``, from the file the name designates.

    The import system would search for it (the meta path, then the package's folder) and a
    one-file run imports about 40 rule modules: loading each from its known file, as
    importlib's documented recipe does, costs a third less (3 M instructions in all). The
    result is the same module, in sys.modules and on the package, with its compiled cache."""
    import importlib.util

    import k8slint.checks as package

    full = f"k8slint.checks.{name}"
    module = sys.modules.get(full)
    if module is not None:
        return module
    path = os.path.join(os.path.dirname(package.__file__ or ""), name + ".py")
    spec = importlib.util.spec_from_file_location(full, path)
    if spec is None or spec.loader is None:  # not a plain source file: let the import system find it
        return importlib.import_module(full)
    module = importlib.util.module_from_spec(spec)
    sys.modules[full] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[full]
        raise
    setattr(package, name, module)
    return module


def _module_impl(name: str) -> RuleImpl:
    """The rule of module k8slint/checks/<name>.py (rule None for a helper module)."""
    module = _import_rule_module(name)
    rule = getattr(module, "RULE", None)
    reads = getattr(module, "READS_LABELS", True)
    kinds = getattr(module, "KINDS", None)
    facts = getattr(module, "READS_FACTS", None)
    return RuleImpl(
        rule, frozenset(kinds) if kinds else None, getattr(module, "check", None),
        getattr(module, "check_index", None), origin=f"k8slint.checks.{name}",
        whole=bool(getattr(module, "READS_WHOLE_OBJECTS", False)), labels=bool(reads), selected=reads == "selectors",
        reads=READABLE if facts is None else READABLE & frozenset(facts),
    )


def _python_rules() -> list[RuleImpl]:
    import k8slint.checks as package

    folder = os.path.dirname(package.__file__ or "")
    # A directory listing, not pkgutil.iter_modules: that imports inspect (~10 ms at start-up).
    names = sorted(n[:-3] for n in os.listdir(folder) if n.endswith(".py") and not n.startswith("_"))
    impls = [_module_impl(name) for name in names]
    return [impl for impl in impls if impl.rule is not None]


_PACKS: dict[str, dict[str, RuleImpl]] = {}


def _pack_rule(path: str, code: str) -> RuleImpl:
    """The rule ``code`` of the pack at ``path``, loading (and validating) the pack once."""
    from k8slint.rule_packs import load_pack

    key = str(path)
    if key not in _PACKS:
        _PACKS[key] = {impl.rule.code: impl for impl in load_pack(path)}
    return _PACKS[key][code]


def _logic_impl(rule: Rule, spec: dict[str, Any]) -> RuleImpl:
    """A shipped pack rule's logic from the index: the pack was validated when the index was
    built (and the fingerprint says it has not changed since), so its YAML is not read again."""
    from k8slint.rule_packs import YamlRule

    return RuleImpl(rule, check=YamlRule(spec).check)


def _indexed_rules(entries: list[dict[str, Any]]) -> list[RuleImpl]:
    """Shipped rules from rule_index.json: metadata now, logic on first use."""
    from functools import partial

    from k8slint.rule_index import rule_from_json

    from k8slint.paths import data_folder

    packs = os.path.join(data_folder(), "rules")
    impls = []
    for entry in entries:
        rule = rule_from_json(entry["rule"])
        origin = entry["origin"]
        if origin.startswith("k8slint.checks."):
            loader = partial(_module_impl, origin.rpartition(".")[2])
        else:  # a shipped pack, recorded by file name, with the rule's logic
            origin = os.path.join(packs, origin)
            logic = entry.get("logic")
            loader = partial(_logic_impl, rule, logic) if logic is not None else partial(_pack_rule, origin, rule.code)
        kinds = frozenset(entry["kinds"]) if entry["kinds"] is not None else None
        impls.append(RuleImpl(
            rule, kinds, origin=origin, loader=loader,
            has_check=entry["check"], has_check_index=entry["check_index"], whole=entry.get("whole", False),
            labels=bool(entry.get("labels", True)), selected=entry.get("labels") == "selectors",
            reads=READABLE & frozenset(entry.get("reads", READABLE)),
        ))
    return impls


def shipped_impls(lazy: bool = True) -> list[RuleImpl]:
    """The core rules, the Python rules and the shipped packs (from the index when it is current)."""
    from k8slint.paths import data_folder
    from k8slint.rule_packs import load_packs

    impls: list[RuleImpl] = [RuleImpl(rule) for rule in CORE_RULES]
    if lazy:
        from k8slint.rule_index import load

        entries = load()
        if entries is not None:
            return impls + _indexed_rules(entries)
    impls.extend(_python_rules())
    impls.extend(load_packs([os.path.join(data_folder(), "rules")]))
    return impls


class Registry:
    def __init__(self, impls: Iterable[RuleImpl]):
        self.impls: dict[str, RuleImpl] = {}
        self._names: dict[str, str] = {}
        for impl in impls:
            code, name = impl.rule.code, impl.rule.name
            if code in self.impls:
                raise UnknownRule(f"rule code {code} ({impl.origin}) is already used by {self.impls[code].origin}")
            if name in self._names:
                raise UnknownRule(f"rule name {name} ({impl.origin}) is already used by {self._names[name]}")
            self.impls[code] = impl
            self._names[name] = code

    @property
    def rules(self) -> list[Rule]:
        return [self.impls[code].rule for code in sorted(self.impls)]

    def resolve(self, code_or_name: str) -> str:
        """The code of a rule given by code or name (case-insensitive codes, redirects)."""
        key = code_or_name.strip()
        key = REDIRECTS.get(key, key)
        if key.upper() in self.impls:
            return key.upper()
        if key in self._names:
            return self._names[key]
        from k8slint.suggest import did_you_mean

        hint = did_you_mean(key, [*self.impls, *self._names]) or "`k8slint rules` lists them"
        raise UnknownRule(f"unknown rule {key!r}; {hint}")

    def get(self, code_or_name: str) -> Rule:
        return self.impls[self.resolve(code_or_name)].rule

    @property
    def profiles(self) -> list[str]:
        return sorted({impl.rule.profile for impl in self.impls.values() if impl.rule.profile})

    def resolve_profile(self, name: str) -> str:
        if name in self.profiles:
            return name
        from k8slint.suggest import did_you_mean

        hint = did_you_mean(name, self.profiles) or "the profiles are: " + ", ".join(self.profiles)
        raise UnknownRule(f"unknown profile {name!r}; {hint}")

    def enabled(
        self, select: Optional[list[str]], extend: list[str], ignore: list[str], profiles: Iterable[str] = (),
    ) -> set[str]:
        """Codes of the rules that run; ``ALL`` in select means every rule (profiles included)."""
        wanted = {self.resolve_profile(p) for p in profiles}
        wanted |= {inner for p in wanted for inner in PROFILE_INCLUDES.get(p, ())}
        if select is None:
            chosen = {
                code for code, impl in self.impls.items()
                if impl.rule.default_enabled and impl.rule.profile is None
            }
        elif any(s.upper() == "ALL" for s in select):
            chosen = set(self.impls)
        else:
            chosen = {self.resolve(s) for s in select}
        chosen |= {self.resolve(s) for s in extend}
        chosen |= {code for code, impl in self.impls.items() if impl.rule.profile in wanted}
        chosen -= {self.resolve(s) for s in ignore}
        return chosen


def load_registry(rules_dirs: Iterable["str | os.PathLike[str]"] = ()) -> Registry:
    from k8slint.rule_packs import load_packs

    return Registry([*shipped_impls(), *load_packs(list(rules_dirs))])
