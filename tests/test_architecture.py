"""The shape of the code: sections, no import cycles, small modules, a thin CLI with shared
options, one JSON schema."""

from __future__ import annotations

import ast
import inspect
import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from auditor.cli import app

PACKAGE = Path(__file__).resolve().parents[1] / "auditor"
runner = CliRunner()


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph() -> dict[str, set[str]]:
    """Every auditor module → the auditor modules it imports (at top level or inside functions)."""
    modules = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {m: set() for m in modules}
    for name, path in modules.items():
        for node in ast.walk(ast.parse(path.read_text())):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                targets = [f"{node.module}.{a.name}" for a in node.names] + [node.module]
            for target in targets:
                while target and target not in modules:
                    target = target.rpartition(".")[0]
                if target.startswith("auditor") and target != name:
                    graph[name].add(target)
    return graph


def test_no_import_cycle_anywhere_in_auditor() -> None:
    graph = import_graph()
    state: dict[str, int] = {}
    cycles = []

    def visit(node: str, stack: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycles.append(stack[stack.index(nxt):] + [nxt] if nxt in stack else [node, nxt])
            elif nxt not in state:
                visit(nxt, stack + [nxt])
        state[node] = 2

    for start in sorted(graph):
        if start not in state:
            visit(start, [start])
    # a package's __init__ importing its own submodules is not a cycle unless they import it back
    assert cycles == [], cycles


def test_the_import_graph_sees_function_level_imports() -> None:
    graph = import_graph()
    assert "auditor.audit.run" in graph["auditor.history.runs"]  # imported inside take_snapshot


def test_no_module_over_400_lines() -> None:
    sizes = {p.relative_to(PACKAGE).as_posix(): len(p.read_text().splitlines()) for p in PACKAGE.rglob("*.py")}
    assert {p: n for p, n in sizes.items() if n > 400} == {}


def test_audit_is_a_short_orchestrator_with_no_section_parameters() -> None:
    from auditor.audit.run import audit

    lines = inspect.getsource(audit).splitlines()
    assert len(lines) <= 60, len(lines)
    params = set(inspect.signature(audit).parameters)
    assert params == {"data", "settings", "embedder", "reducer", "clusterer", "vectorizer", "reference", "reporter",
                      "options"}


def test_every_section_has_a_build_and_a_schema_for_the_keys_it_fills() -> None:
    from auditor.audit.sections import SECTIONS

    keys = []
    for section in SECTIONS:
        assert callable(section.build) and list(inspect.signature(section.build).parameters) == ["ctx"]
        keys += list(section.SCHEMA)
    assert len(keys) == len(set(keys))  # each key has one owner


def test_every_section_has_a_report_part_and_every_partial_a_part() -> None:
    from auditor.audit.sections import SECTIONS
    from auditor.report.parts import PARTS

    sections = {section.__name__.rpartition(".")[2] for section in SECTIONS}
    assert {part.section for part in PARTS} == sections  # no section without a part, no part of nothing
    partials = {p.name.removesuffix(".html.j2") for p in (PACKAGE / "report" / "templates" / "parts").glob("*.html.j2")}
    assert partials - {"_macros"} == {part.name for part in PARTS}  # each part one partial, no orphan
    assert len({part.name for part in PARTS}) == len(PARTS)
    report = (PACKAGE / "report" / "templates" / "report.html.j2").read_text()
    assert "<h2" not in report and "{% include part.template %}" in report  # the page is only its parts


def test_no_private_imports_across_packages() -> None:
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        here = module_name(path).split(".")[:2]
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("auditor"):
                there = node.module.split(".")[:2]
                private = [a.name for a in node.names if a.name.startswith("_") and a.name != "__version__"]
                private += [node.module] if any(part.startswith("_") for part in node.module.split(".")) else []
                if private and there != here:  # a private name, or anything from a private module
                    offenders.append((module_name(path), node.module, private))
    assert offenders == []


READING_COMMANDS = ("audit", "compare", "snapshot", "check")
SHARED = {"--text-col", "--time-col", "--id-col", "--encoding", "--skip-invalid", "--model", "--device",
          "--cache-dir", "--no-cache", "-q"}


@pytest.mark.parametrize("command", READING_COMMANDS)
def test_every_command_that_reads_a_corpus_takes_the_shared_options(command: str) -> None:
    group = typer.main.get_command(app)
    options = {o for p in group.get_command(None, command).params for o in p.opts}
    assert SHARED <= options, SHARED - options


def test_shared_options_have_one_help_text_everywhere() -> None:
    group = typer.main.get_command(app)
    helps: dict[str, set[str]] = {}
    for command in READING_COMMANDS:
        for p in group.get_command(None, command).params:
            for o in set(p.opts) & SHARED:
                helps.setdefault(o, set()).add(p.help)
    assert all(len(h) == 1 for h in helps.values()), helps


def test_schema_command_prints_the_result_schema() -> None:
    from auditor.audit.schema import result_schema

    out = runner.invoke(app, ["schema"])
    assert out.exit_code == 0 and json.loads(out.output) == result_schema()


def test_one_palette_for_map_and_charts() -> None:
    from auditor.report.charts import PALETTE as chart_palette
    from auditor.vocabulary import PALETTE

    assert chart_palette is PALETTE
    js = (PACKAGE / "report" / "templates" / "report.js").read_text()
    assert "#" not in js.split("PALETTE =", 1)[1].split(";", 1)[0]  # the map reads it from the data


def test_version_flag_prints_the_version() -> None:
    import auditor

    out = runner.invoke(app, ["--version"])
    assert out.exit_code == 0 and out.output.strip() == f"auditor {auditor.__version__}"


def test_colours_do_not_repeat_after_the_palette_runs_out() -> None:
    from auditor.vocabulary import PALETTE, colour, group_colours, palette

    assert len(set(palette(40))) == 40 and palette(3) == list(PALETTE)
    assert colour(len(PALETTE)) not in PALETTE
    assert len(set(group_colours([f"g{i}" for i in range(20)]).values())) == 20


def test_no_function_in_auditor_is_over_60_lines() -> None:
    long = []
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.end_lineno - node.lineno + 1 > 60:
                long.append((module_name(path), node.name, node.end_lineno - node.lineno + 1))
    assert long == []


def test_the_result_cache_key_changes_with_every_setting_that_decides_a_number(tmp_path: Path) -> None:
    """A new setting that changes the numbers can never reuse a stale result: the key is derived
    from the settings themselves (walked here field by field)."""
    from auditor.audit.run import reusable, stages_of
    from auditor.audit.settings import AuditSettings
    from auditor.corpus import from_texts
    from auditor.embed import Embedder
    from tests.conftest import HashEncoder

    class Named(HashEncoder):
        name, revision = "hash", "1"

    other = {"model": "elsewhere", "device": "cpu", "backend": "onnx", "sample": 5, "seed": 1, "threshold": 0.9, "top": 3,
             "resamples": 7, "ci_level": 0.9, "lexical": False, "freq": "year", "permutations": 99}
    corpus = from_texts(["one text", "two texts", "three texts here"])
    base = AuditSettings()
    embedder = Embedder(Named(), cache=tmp_path)

    def key(settings: AuditSettings) -> str:
        return reusable(corpus, settings, embedder, stages_of(settings, clusterer=None), None)[1]

    deciding = [f for f in AuditSettings.fields() if f not in AuditSettings.NOT_DECIDING]
    assert set(deciding) == set(other), "a new setting: say whether it decides a number"
    for field in deciding:
        assert key(base.replace(**{field: other[field]})) != key(base), field
    for field in AuditSettings.NOT_DECIDING:
        changed = {"cache": False, "progress": True, "reuse_results": True, "batch_size": 8}[field]
        assert key(base.replace(**{field: changed})) == key(base), field


def test_every_template_file_is_shipped_in_the_package() -> None:
    import fnmatch
    import tomllib

    globs = tomllib.loads((PACKAGE.parent / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]["auditor"]
    templates = [p.relative_to(PACKAGE).as_posix() for p in (PACKAGE / "report" / "templates").rglob("*") if p.is_file()]
    assert templates and all(any(fnmatch.fnmatch(t, g) and t.count("/") == g.count("/") for g in globs)
                             for t in templates), templates


def test_every_entry_point_accepts_every_column_role(tmp_path: Path) -> None:
    """The roles are listed once (auditor.corpus.roles); each entry point that reads a corpus
    takes each of them: the audit, a comparison, a partial state and its merged audit, and the
    command line's flags."""
    import pandas as pd

    import auditor
    from auditor.audit.compare import compare
    from auditor.corpus.roles import ROLES, TEXT
    from auditor.states import audit_state, shard_state
    from tests.conftest import HashEncoder

    words = ["wool", "tea", "pans", "bikes", "soap", "rain", "maps", "jars"]
    frame = pd.DataFrame({
        "body": [f"a text about {w} number {i}" for i, w in enumerate(words * 3)],
        "group": ["a", "b"] * 12, "time": [f"202{i % 3}-01-01" for i in range(24)],
        "stratum": [f"p{i % 4}" for i in range(24)], "locale": ["en", "fr", "de"] * 8,
        "translation": ["" if i % 3 == 0 else f"plain text {i}" for i in range(24)], "id": [f"x{i}" for i in range(24)]})
    frame.to_csv(tmp_path / "c.csv", index=False)
    frame.iloc[:12].to_csv(tmp_path / "first.csv", index=False)
    frame.iloc[12:].to_csv(tmp_path / "second.csv", index=False)
    options = dict(model=HashEncoder(), cache=False, resamples=0, clusterer=None, lexical=False, permutations=9)
    for role in ROLES:
        named = {TEXT.keyword: "body", role.keyword: role.column}
        if role.column == "translation":
            named["locale_col"] = "locale"
        results = {"audit": auditor.audit(frame, **named, **options),
                   "compare": compare([tmp_path / "first.csv", tmp_path / "second.csv"], **named, **options),
                   "state": audit_state(shard_state(tmp_path / "c.csv", embedder=HashEncoder(), **named),
                                        clusterer=None, lexical=False, resamples=0)}
        for name, result in results.items():
            expected = "corpus" if (name, role.column) == ("compare", "group") else role.column  # compare's groups
            assert result.data["corpus"]["columns"][role.column] == expected, (name, role.column)
    for command in ("audit", "compare", "snapshot", "check", "state"):  # select leaves out the locale roles
        flags = {opt for param in typer.main.get_command(app).get_command(None, command).params for opt in param.opts}
        wanted = {role.flag for role in (TEXT, *ROLES)} - ({"--group-col"} if command == "compare" else set())
        assert wanted <= flags, command  # compare groups by corpus (--by splits one corpus by a column)


def test_the_command_line_shows_the_librarys_defaults() -> None:
    """Defaults are stated once (auditor/defaults.py): every option that sets an AuditSettings
    field defaults to that field's default."""
    import dataclasses

    from auditor.audit.settings import AuditSettings

    fields = {f.name: f.default for f in dataclasses.fields(AuditSettings)}
    seen = 0
    for command in ("audit", "compare", "snapshot", "check"):
        for param in typer.main.get_command(app).get_command(None, command).params:
            if param.name in ("seed", "ci_level", "permutations") or (param.name == "resamples" and command != "check"):
                assert param.default == fields[param.name], (command, param.name)
                seen += 1
    assert seen >= 10


def test_library_errors_name_parameters_and_the_command_line_names_flags() -> None:
    """No error raised outside the CLI spells a flag: it names the parameter (PARAM in its text,
    or SettingsError), and the CLI words it with the flag that sets it."""
    import pickle
    import re

    from auditor.audit.settings import flag_for
    from auditor.errors import PARAM, CorpusError, SettingsError

    offenders = []
    for path in PACKAGE.rglob("*.py"):
        if "cli" in path.relative_to(PACKAGE).parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Raise) and node.exc is not None:
                texts = [n.value for n in ast.walk(node.exc) if isinstance(n, ast.Constant) and isinstance(n.value, str)]
                offenders += [(path.name, t) for t in texts if re.search(r"(^|\s|\()--[a-z]", t)]
    assert offenders == []
    error = CorpusError(f"copy.csv: 2 rows are empty; pass {PARAM} to drop them", "skip_invalid")
    assert str(error) == "copy.csv: 2 rows are empty; pass skip_invalid to drop them"
    assert error.worded(flag_for) == "copy.csv: 2 rows are empty; pass --skip-invalid to drop them"
    from auditor.corpus.roles import ROLES, TEXT

    assert all(flag_for(role.keyword) == role.flag for role in (TEXT, *ROLES))  # one way to spell a role's flag
    setting = pickle.loads(pickle.dumps(SettingsError("translation_col", "needs {}", "locale_col")))  # Ray's workers
    assert isinstance(setting, SettingsError) and setting.worded(flag_for) == "--translation-col needs --locale-col"


def test_a_stage_is_a_replaceable_object_and_a_step_a_timed_piece_of_work() -> None:
    """'stage' had three meanings (the replaceable reducer/clusterer/vectorizer, a progress
    stage, a section's progress name); now the timed pieces are steps everywhere."""
    import re

    from auditor.audit.sections import SECTIONS

    assert all(isinstance(section.STEP, str) and not hasattr(section, "STAGE") for section in SECTIONS)
    for path in PACKAGE.rglob("*.py"):
        source = path.read_text()
        assert not re.search(r"\bStageTimer\b|\.stage\(", source), path  # timers time steps
