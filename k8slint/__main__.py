"""``python -m k8slint``."""
from k8slint.cli import entry

entry()
