"""Every rule k8slint knows: the reading and schema rules (KL0xx), the Python rules in
``k8slint/checks/`` (one module per rule, found by listing the package) and the YAML rule
packs (``rules/*.yaml`` shipped with k8slint, plus ``--rules-dir`` / ``rules-dirs``).

Which rules run is decided here too, from ``select``, ``extend-select`` and ``ignore``
(codes or names) and each rule's ``default_enabled``.
"""
from __future__ import annotations

import importlib
import os
from pathlib import Path
from typing import Any, Callable, Iterable, Optional

from k8slint.core_rules import CORE_RULES
from k8slint.rule import Rule

# Renamed or renumbered rules: old code or name → current code. Codes are never reused.
REDIRECTS: dict[str, str] = {}


class UnknownRule(ValueError):
    pass


class RuleImpl:
    """A rule and its logic: ``check(obj, ctx)`` for object rules, ``check_index(index, ctx)``
    for index rules, neither for the KL0xx rules the loader and schema check report."""

    __slots__ = ("rule", "kinds", "check", "check_index", "origin")

    def __init__(
        self, rule: Rule, kinds: Optional[frozenset[str]] = None, check: Optional[Callable] = None,
        check_index: Optional[Callable] = None, origin: str = "k8slint",
    ):
        self.rule = rule
        self.kinds = kinds  # object rules run only on these kinds (None: every kind)
        self.check = check
        self.check_index = check_index
        self.origin = origin


def _python_rules() -> list[RuleImpl]:
    import k8slint.checks as package

    impls = []
    folder = os.path.dirname(package.__file__ or "")
    # A directory listing, not pkgutil.iter_modules: that imports inspect (~10 ms at start-up).
    names = sorted(n[:-3] for n in os.listdir(folder) if n.endswith(".py") and not n.startswith("_"))
    for name in names:
        module = importlib.import_module(f"{package.__name__}.{name}")
        rule = getattr(module, "RULE", None)
        if rule is None:
            continue
        kinds = getattr(module, "KINDS", None)
        impls.append(RuleImpl(
            rule, frozenset(kinds) if kinds else None, getattr(module, "check", None),
            getattr(module, "check_index", None), origin=f"k8slint.checks.{name}",
        ))
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


def load_registry(rules_dirs: Iterable[Path] = ()) -> Registry:
    from k8slint.paths import data_dir
    from k8slint.rule_packs import load_packs

    impls: list[Any] = [RuleImpl(rule) for rule in CORE_RULES]
    impls.extend(_python_rules())
    impls.extend(load_packs([data_dir() / "rules", *rules_dirs]))
    return Registry(impls)
