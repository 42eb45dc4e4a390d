"""Built-in rules that need code: one module per rule.

A module declares ``RULE`` (k8slint.rule.Rule) and either ``check(obj, ctx)`` (an object rule,
optionally limited to ``KINDS``) or ``check_index(index, ctx)`` (a cross-object rule), each
yielding k8slint.rule.Report. Modules are found by listing this package: adding a rule is
adding a file (plus its fixture folder), touching nothing else.
"""
