"""The apps depend one way only: casetracker < sources < people < cases < imports (docs/architecture.md).

Every module of each app is parsed with ``ast`` (function-level imports included) and
every name of another app is collected: ``import x`` / ``from x import``, relative
imports resolved, ``apps.get_model("app", ...)`` and string model references such as
``"cases.Case"`` or ``apps.get_model("cases.Case")``. A lower app naming a higher one
fails. Tests and migrations (generated, historical) are not part of an app's code;
``casetracker``'s URL confs, which mount every app's routes, are the one exception.
"""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LAYERS = ["casetracker", "sources", "people", "cases", "imports"]
EXCEPTIONS = {"casetracker/urls.py", "casetracker/api/urls.py"}
MODEL_LABEL = re.compile(r"^([a-z_]+)\.[A-Z]\w*$")


def app_modules(app):
    for path in sorted((ROOT / app).rglob("*.py")):
        relative = path.relative_to(ROOT)
        if {"tests", "migrations"} & set(relative.parts) or relative.as_posix() in EXCEPTIONS:
            continue
        yield relative


def named_apps(relative: Path, root: Path = ROOT) -> set[tuple[str, int]]:
    """The top-level names (with line numbers) a module imports or references as a model label."""
    tree = ast.parse((root / relative).read_text(), filename=str(relative))
    package = list(relative.parent.parts)
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {(alias.name.split(".")[0], node.lineno) for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against the module's package
                base = package[: len(package) - node.level + 1]
                name = ".".join([*base, node.module or ""]).strip(".")
            else:
                name = node.module
            found.add((name.split(".")[0], node.lineno))
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "get_model" and node.args:
            first = node.args[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                found.add((first.value.split(".")[0], node.lineno))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            match = MODEL_LABEL.match(node.value)
            if match:
                found.add((match.group(1), node.lineno))
    return found


def test_the_checker_sees_every_kind_of_reference(tmp_path):
    module = tmp_path / "people" / "x.py"
    module.parent.mkdir()
    module.write_text(
        "import cases.models\n"
        "def f():\n"
        "    from ..imports import y\n"
        "    apps.get_model('cases', 'Case')\n"
        "    return 'cases.Defendant'\n"
    )
    names = {name for name, _line in named_apps(Path("people/x.py"), root=tmp_path)}
    assert {"cases", "imports"} <= names


@pytest.mark.parametrize("app", LAYERS)
def test_no_app_names_a_higher_one(app):
    higher = set(LAYERS[LAYERS.index(app) + 1 :])
    wrong = [
        f"{module}:{line} names {name}"
        for module in app_modules(app)
        for name, line in sorted(named_apps(module))
        if name in higher
    ]
    assert wrong == []
