"""k8slint: a Kubernetes manifest linter that explains every mistake at its exact position."""

__version__ = "0.1.0"
