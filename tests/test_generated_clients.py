"""Clients generated from the live schema work unchanged: Redocly lint, openapi-python-client, openapi-typescript
(with openapi-fetch) and orval, each type-checked, and the Python client run against a live server.

The Node tools are pinned in clients/package-lock.json and installed by `make clients` (npm ci), which
.ci/run runs; nothing downloads here. Without them the test fails saying what to run.
"""

import importlib
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from cases.tests.api_data import make_graph

ROOT = Path(__file__).resolve().parent.parent
CLIENTS = ROOT / "clients"
BUILD = CLIENTS / "build"

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def run(*command: str, cwd: Path = CLIENTS) -> str:
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, f"{' '.join(command)}\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}"
    return result.stdout + result.stderr


@pytest.fixture(scope="module")
def node_tools():
    npx = shutil.which("npx")
    if npx is None or not (CLIENTS / "node_modules" / ".bin" / "tsc").exists():
        pytest.fail("The client generators are not installed: install Node.js 20+ and run `make clients`.")
    return npx


@pytest.fixture
def schema_file():
    BUILD.mkdir(exist_ok=True)
    path = BUILD / "schema.json"
    call_command("spectacular", "--format", "openapi-json", "--file", str(path), "--fail-on-warn")
    return path


def test_redocly_lint_and_typescript_clients_compile(node_tools, schema_file):
    output = run(node_tools, "redocly", "lint", str(schema_file), "--config", "redocly.yaml", "--format=summary")
    assert "0 errors" in output or "valid" in output, output
    run(node_tools, "openapi-typescript", str(schema_file), "-o", str(BUILD / "schema.d.ts"))
    # Paths in orval's configuration are relative to the configuration file (in build/).
    (BUILD / "orval.config.cjs").write_text(
        "module.exports = {casetracker: {input: './schema.json', "
        "output: {target: './orval/api.ts', client: 'axios', mode: 'single'}}};\n"
    )
    run(node_tools, "orval", "--config", str(BUILD / "orval.config.cjs"))
    # Both workflows (clients/workflow-*.ts) type-check against what was generated, strict, with no errors.
    run(node_tools, "tsc", "-p", "tsconfig.json")


def test_the_python_client_lists_cases_and_reads_a_problem(schema_file, live_server, staff_user, tmp_path):
    graph = make_graph()
    output = tmp_path / "generated"
    run(
        str(Path(sys.executable).parent / "openapi-python-client"),
        "generate",
        "--path",
        str(schema_file),
        "--meta",
        "none",
        "--output-path",
        str(output / "casetracker_api_client"),
    )
    sys.path.insert(0, str(output))
    try:
        client_module = importlib.import_module("casetracker_api_client")
        cases_list = importlib.import_module("casetracker_api_client.api.cases.cases_list")
        persons_retrieve = importlib.import_module("casetracker_api_client.api.persons.persons_retrieve")
        changes_retrieve = importlib.import_module("casetracker_api_client.api.changes.changes_retrieve")
        csv_retrieve = importlib.import_module(
            "casetracker_api_client.api.sentence_summaries.sentence_summaries_csv_retrieve"
        )
        models = importlib.import_module("casetracker_api_client.models")
        client = client_module.Client(base_url=live_server.url)

        page = cases_list.sync(
            client=client,
            page_size=10,
            ordering=[models.CasesListOrderingItem("title"), models.CasesListOrderingItem("-id")],
        )
        assert [case.title for case in page.results] == [graph.case.title]
        assert page.results[0].kind.value == graph.case.kind

        missing = persons_retrieve.sync_detailed(client=client, id=987654)
        assert missing.status_code == 404
        assert (missing.parsed.status, missing.parsed.code) == (404, "not_found")

        feed = changes_retrieve.sync(client=client, since="")
        assert any(entry.kind == "cases" and entry.id == graph.case.pk for entry in feed.results)

        csv = csv_retrieve.sync_detailed(client=client)
        assert csv.status_code == 200 and graph.case.title in csv.content.decode()
    finally:
        sys.path.remove(str(output))
        for name in [name for name in sys.modules if name.startswith("casetracker_api_client")]:
            del sys.modules[name]
