"""The apps form a one-way chain: ``bookmyshow`` (the project core) <- ``catalog`` <-
``booking``. An import running the wrong way fails the build, wherever it hides (a
function body, a ``TYPE_CHECKING`` block). The root URLconf and settings name the apps
as strings, which is how a project composes its apps, not an import."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHAIN = ["bookmyshow", "catalog", "booking"]  # each may import only those before it


def imported_packages(path: Path) -> set[str]:
    packages = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            packages.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            packages.add(node.module.split(".")[0])
    return packages


def wrong_way_imports(app: str) -> list[str]:
    forbidden = set(CHAIN[CHAIN.index(app) + 1 :])
    return [
        f"{path.relative_to(ROOT)} imports {', '.join(sorted(imported_packages(path) & forbidden))}"
        for path in sorted((ROOT / app).rglob("*.py"))
        if imported_packages(path) & forbidden
    ]


@pytest.mark.parametrize("app", CHAIN)
def test_no_import_runs_the_wrong_way(app):
    assert wrong_way_imports(app) == []


def test_the_check_finds_a_wrong_way_import(tmp_path, monkeypatch):
    module = tmp_path / "catalog" / "sneaky.py"
    module.parent.mkdir()
    module.write_text("def later():\n    from booking import selectors\n")
    monkeypatch.setattr(f"{__name__}.ROOT", tmp_path)
    assert wrong_way_imports("catalog") == ["catalog/sneaky.py imports booking"]
