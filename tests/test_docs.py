"""The docs and the developer commands say what is true: the README's two commands, links that lead
somewhere, decision records in shape, pre-commit hooks that download nothing, and a fast suite
without the slow tests."""

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
DOCS = [ROOT / "README.md", ROOT / "CONTRIBUTING.md", ROOT / "CHANGELOG.md", *sorted((ROOT / "docs").rglob("*.md"))]
LINK = re.compile(r"\]\(([^)\s]+)\)")


def makefile_targets() -> set[str]:
    return set(re.findall(r"^([a-z][a-z-]*):", (ROOT / "Makefile").read_text(), flags=re.M))


def test_the_readme_starts_with_the_two_commands():
    lines = (ROOT / "README.md").read_text().splitlines()
    assert lines[0] == "# casetracker"
    block = lines[lines.index("```sh") + 1 : lines.index("```")]
    assert [line.split()[:2] for line in block] == [["make", "run"], ["make", "test"]]
    assert lines.index("```sh") <= 3, "the two commands come first"


def test_every_make_command_the_docs_name_exists():
    targets = makefile_targets()
    for doc in DOCS:
        for target in re.findall(r"`make ([a-z][a-z-]*)", doc.read_text()):
            assert target in targets, f"{doc.relative_to(ROOT)} names `make {target}`, which the Makefile lacks"
    assert {"run", "test", "test-fast", "lint", "hooks", "diagram"} <= targets


def anchors(path: Path) -> set[str]:
    """GitHub's anchors for a Markdown file's headings."""
    found = set()
    for heading in re.findall(r"^#+ (.+)$", path.read_text(), flags=re.M):
        slug = re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")
        found.add(slug)
    return found


@pytest.mark.parametrize("doc", DOCS, ids=lambda path: str(path.relative_to(ROOT)))
def test_every_link_in_the_docs_leads_to_a_file_and_heading_that_exist(doc):
    for target in LINK.findall(doc.read_text()):
        if re.match(r"^[a-z]+:", target):
            continue  # a web address
        path_part, _, anchor = target.partition("#")
        path = (doc.parent / path_part).resolve() if path_part else doc
        if not path.is_relative_to(ROOT):
            continue  # outside the repository (../shared/DESIGN.md beside a checkout)
        assert path.exists(), f"{doc.relative_to(ROOT)} links to {target}, which does not exist"
        if anchor and path.suffix == ".md":
            assert anchor in anchors(path), f"{doc.relative_to(ROOT)} links to {target}: no such heading"


def test_every_decision_record_is_listed_and_says_context_decision_and_consequences():
    folder = ROOT / "docs" / "decisions"
    index = (folder / "README.md").read_text()
    records = sorted(folder.glob("[0-9][0-9][0-9][0-9]-*.md"))
    assert len(records) >= 4
    for number, record in enumerate(records, start=1):
        text = record.read_text()
        assert record.name.startswith(f"{number:04d}-"), "records are numbered without gaps"
        assert text.startswith(f"# {number:04d} ")
        for section in ("## Context", "## Decision", "## Consequences"):
            assert section in text, f"{record.name} lacks {section}"
        assert f"]({record.name})" in index, f"{record.name} is not listed in docs/decisions/README.md"


def test_the_pre_commit_hooks_run_from_the_project_virtualenv_and_download_nothing():
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text())
    assert [repo["repo"] for repo in config["repos"]] == ["local"]
    hooks = {hook["id"]: hook for hook in config["repos"][0]["hooks"]}
    assert {"ruff", "ruff-format", "django-check", "django-makemigrations-check"} <= set(hooks)
    for hook in hooks.values():
        assert hook["language"] == "system", hook["id"]
        assert hook["entry"].startswith(".venv/bin/"), hook["id"]
    assert "makemigrations --check" in hooks["django-makemigrations-check"]["entry"]


def test_ci_checks_the_format_and_rebuilds_the_virtualenv_only_in_ci():
    script = (ROOT / ".ci" / "run").read_text()
    assert "ruff format --check ." in script
    removals = [number for number, line in enumerate(script.splitlines()) if "rm -rf .venv" in line]
    assert removals, "CI must still build its virtualenv from scratch"
    lines = script.splitlines()
    for number in removals:
        assert 'if [ -n "${CI:-}" ]; then' in lines[number - 1], "only CI may delete .venv"


def test_ci_run_by_hand_keeps_the_developers_virtualenv(tmp_path):
    """Run .ci/run's first step in a copy of the repository without CI set: .venv survives it."""
    script = (ROOT / ".ci" / "run").read_text()
    first_step = script.split('step "ruff"')[0] + "exit 0\n"
    (tmp_path / ".ci").mkdir()
    (tmp_path / ".ci" / "run").write_text(first_step)
    venv = tmp_path / ".venv"
    venv.mkdir()
    (venv / "kept").write_text("a developer's virtualenv")
    (tmp_path / "Makefile").write_text("install:\n\t@echo installed\n")
    env = {"PATH": "/usr/bin:/bin"}
    result = subprocess.run(["bash", ".ci/run"], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert (venv / "kept").exists(), "run by hand, .ci/run deleted the developer's .venv"
    result = subprocess.run(["bash", ".ci/run"], cwd=tmp_path, env={**env, "CI": "true"}, capture_output=True)
    assert result.returncode == 0
    assert not venv.exists(), "in CI the virtualenv is built from scratch"


@pytest.mark.slow
def test_the_fast_suite_leaves_out_the_slow_tests():
    """What `make test-fast` runs has no browser, schemathesis, fuzzer, crawl or subprocess test."""
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-m", "not slow", "-p", "no:xdist"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    collected = [line for line in result.stdout.splitlines() if "::" in line]
    assert len(collected) > 500, result.stdout[-2000:]
    slow = re.compile(
        r"tests/browser/|tests/crawl/|test_fuzz_no_500|test_schemathesis|test_deploy|test_outage\.py|test_backup"
    )
    assert [test for test in collected if slow.search(test)] == []
    assert '-m "not slow"' in (ROOT / "Makefile").read_text().split("\ntest-fast:")[1].split("\n\n")[0]
