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


@needs_shared
@pytest.mark.parametrize("folder", [f for f in FOLDERS if f != "practice2-example2"])
def test_other_seed_folders_have_no_schema_errors(folder):
    result = run_check(CheckOptions(paths=[str(SEED / folder)]))
    assert [f.to_json() for f in result.findings] == []
    assert result.summary.objects >= 1


@needs_shared
def test_seed_folder_list_is_complete():
    assert sorted(p.name for p in SEED.iterdir() if p.is_dir()) == sorted(FOLDERS)
