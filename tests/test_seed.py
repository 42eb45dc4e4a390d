"""The first users' files: each example folder of the seed notes, checked on its own."""
import pytest

from k8slint.run import CheckOptions, run_check
from tests.conftest import SHARED, needs_shared

SEED = SHARED / "seed" / "manifests"
FOLDERS = ["practice2-example1", "practice2-example2", "practice3-example1", "practice3-example2", "practice3-example3"]


@needs_shared
def test_practice2_example2_reports_the_split_env_item():
    result = run_check(CheckOptions(paths=[str(SEED / "practice2-example2")]))
    errors = [f for f in result.findings if f.severity.label == "error"]
    assert len(errors) == 1
    (f,) = errors
    assert f.file.endswith("users-deployment.yaml")
    assert (f.rule, f.span.line, f.span.column) == ("KL101", 23, 13)
    assert f.message == 'env var "AUTH_ADDRESS" is split across two list items: env[0] has only "name" and env[1] only "value"'
    assert 'remove the "-" before "value"' in f.help


# Everything each folder reports, checked on its own: (file, line, rule, severity).
EXPECTED = {
    "practice2-example1": [
        ("users-auth-deployment.yaml", 20, "KL202", "warning"),  # users-api:latest
        ("users-auth-deployment.yaml", 22, "KL202", "warning"),  # auth-api:latest
    ],
    "practice2-example2": [
        ("auth-deployment.yaml", 20, "KL202", "warning"),
        ("users-deployment.yaml", 20, "KL202", "warning"),
        ("users-deployment.yaml", 23, "KL101", "error"),  # the split env item, reported once
    ],
    "practice3-example1": [("deployment.yaml", 18, "KL201", "error")],  # my-docker-hub/app:lastest
    "practice3-example2": [
        ("deployment.yaml", 18, "KL201", "error"),
        ("deployment.yaml", 27, "KL407", "warning"),  # hostPath volume, 2 replicas
    ],
    "practice3-example3": [
        ("deployment.yaml", 18, "KL201", "error"),
        ("deployment.yaml", 28, "KL404", "warning"),  # ReadWriteOnce claim, 2 replicas
    ],
}


@needs_shared
@pytest.mark.parametrize("folder", FOLDERS)
def test_each_seed_folder_reports_exactly_its_mistakes(folder):
    result = run_check(CheckOptions(paths=[str(SEED / folder)]))
    found = [(f.file.rsplit("/", 1)[-1], f.span.line, f.rule, f.severity.label) for f in result.findings]
    assert found == EXPECTED[folder]
    assert result.summary.objects >= 1


@needs_shared
def test_seed_folder_list_is_complete():
    assert sorted(p.name for p in SEED.iterdir() if p.is_dir()) == sorted(FOLDERS)
