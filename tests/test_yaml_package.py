"""k8slint.yaml_package: ruamel.yaml's modules without its package's __init__ until asked."""
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _run(script: str, stdin: str = "") -> list[str]:
    done = subprocess.run([sys.executable, "-c", script], input=stdin, capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()


def test_a_check_does_not_run_the_package_init():
    pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n    - name: c\n      image: nginx\n"
    out = _run(
        "import io, sys\n"
        "from k8slint import cli\n"
        "out, sys.stdout = sys.stdout, io.StringIO()\n"
        "cli.main(['check', '-', '--no-cache', '--format', 'json'])\n"
        "report, sys.stdout = sys.stdout.getvalue(), out\n"
        "print('KL202' in report, 'ruamel.yaml.main' in sys.modules, 'ruamel.yaml.nodes' in sys.modules)\n",
        pod,
    )
    assert out == ["True False True"]


def test_the_package_works_as_before_once_asked():
    out = _run(
        "import sys\n"
        "import k8slint.loader\n"
        "import ruamel.yaml\n"
        "print('ruamel.yaml.main' in sys.modules, ruamel.yaml is sys.modules['ruamel.yaml'])\n"
        "print(ruamel.yaml.__version__ == '.'.join(map(str, ruamel.yaml.version_info)))\n"
        "from ruamel.yaml import YAML\n"
        "print(YAML(typ='safe', pure=True).load('a: [1, 2]'), 'ruamel.yaml.main' in sys.modules)\n"
        "from ruamel.yaml.nodes import ScalarNode\n"
        "print(ScalarNode is k8slint.loader.ScalarNode)\n"
        "try:\n"
        "    ruamel.yaml.no_such_name\n"
        "except AttributeError as err:\n"
        "    print(err)\n"
    )
    assert out == [
        "False True", "True", "{'a': [1, 2]} True", "True", "module 'ruamel.yaml' has no attribute 'no_such_name'",
    ]


def test_a_package_imported_before_is_left_alone():
    out = _run(
        "import sys\n"
        "import ruamel.yaml\n"
        "package = ruamel.yaml\n"
        "import k8slint.loader\n"
        "print(sys.modules['ruamel.yaml'] is package, 'ruamel.yaml.main' in sys.modules)\n"
    )
    assert out == ["True True"]
