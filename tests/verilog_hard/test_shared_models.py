"""verilog-hard's shared testbench models (``tb_models/``, named by ``tb_models`` in meta.toml):
every tb.py declares the shared modules it imports and runs with only those beside it (the
sandbox's layout); an edit to a shared model changes the keys of the problems that use it; a
bad declaration is a one-line data error; a candidate can read a shared model no more than it
can read tb.py."""
from __future__ import annotations

import ast
import json
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from benchmarks.verilog_hard import VerilogHardSuite
from harness.errors import DataError
from harness.families.verilog.suite import CocotbVerilogSuite, load_problem_folder
from harness.suite import problem_files_digest
from tests.helpers import executions, fenced, hweval, write_replay

ROOT = Path(__file__).resolve().parents[2]
HARD = ROOT / "benchmarks" / "verilog_hard"
PROBLEMS, TB_MODELS = HARD / "problems", HARD / "tb_models"
FOLDERS = sorted(p for p in PROBLEMS.iterdir() if (p / "meta.toml").is_file())
SHARED = {p.stem for p in TB_MODELS.glob("*.py")}


def imported_modules(source: str) -> set[str]:
    """The top-level names of the modules a Python source imports."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module.split(".")[0])
    return names


def declared(folder: Path) -> list[str]:
    return list(tomllib.loads((folder / "meta.toml").read_text()).get("tb_models", []))


def test_each_testbench_declares_exactly_the_shared_models_it_imports() -> None:
    users: dict[str, list[str]] = {}
    for folder in FOLDERS:
        wanted = declared(folder)
        used = imported_modules((folder / "tb.py").read_text()) & SHARED
        for name in wanted:   # a shared model may itself import another shared one
            used |= imported_modules((TB_MODELS / f"{name}.py").read_text()) & SHARED
        assert used == set(wanted), (folder.name, sorted(used), wanted)
        for name in wanted:
            users.setdefault(name, []).append(folder.name)
    assert users == {"binary32": ["bf16_dot4", "fcvt_complete", "fp32_add", "fp32_fma", "fp32_mul"],
                     "decimal32": ["f32_to_decimal"],
                     "deflate_bench": ["inflate_debug", "inflate_fixed", "inflate_full"],
                     "inflate_full_bench": ["inflate_full"], "inflate_model": ["inflate_full"],
                     "jpeg_huff": ["jpeg_huff_dec"], "posit": ["posit_alu"],
                     "rv32_iss": ["rv32_mext_modify", "rv32im_core"]}, users
    assert SHARED == set(users), "a shared model no problem uses"


def test_testbenches_import_with_only_their_declared_models_beside_them(tmp_path: Path) -> None:
    """As in the sandbox: tb.py and the declared modules in one folder, hweval importable,
    nothing else of the benchmark on the path. Every test function is then defined."""
    folders = [f for f in FOLDERS if declared(f)]
    for folder in folders:
        work = tmp_path / folder.name
        work.mkdir()
        shutil.copy(folder / "tb.py", work / "tb.py")
        for name in declared(folder):
            shutil.copy(TB_MODELS / f"{name}.py", work / f"{name}.py")
    script = ("import importlib, json, sys\nout = {}\nfor d in sys.argv[1:]:\n"
              "    sys.path.insert(0, d)\n    mod = importlib.import_module('tb')\n"
              "    out[d] = sorted(n for n in vars(mod) if n.startswith('test_'))\n"
              "    for n in [m for m, v in sys.modules.items() if (getattr(v, '__file__', '') or '').startswith(d)]:\n"
              "        del sys.modules[n]\n    sys.path.remove(d)\nprint(json.dumps(out))\n")
    proc = subprocess.run([sys.executable, "-I", "-c", script, *(str(tmp_path / f.name) for f in folders)],
                          capture_output=True, text=True, cwd=tmp_path, timeout=120,
                          env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    assert proc.returncode == 0, proc.stderr
    tests = {Path(k).name: v for k, v in json.loads(proc.stdout).items()}
    assert tests["inflate_debug"] == tests["inflate_fixed"] == ["test_inflate_fixed"]
    assert tests["rv32im_core"] == ["test_rv32im_core"] and tests["fp32_mul"] == ["test_fp32_mul"]
    assert all(len(v) == 1 for v in tests.values()), tests


def _tmp_suite(tmp_path: Path, problems: tuple[str, ...]) -> type[VerilogHardSuite]:
    for pid in problems:
        shutil.copytree(PROBLEMS / pid, tmp_path / "problems" / pid)
    shutil.copytree(TB_MODELS, tmp_path / "tb_models")

    class TmpSuite(VerilogHardSuite):
        problems_dir = tmp_path / "problems"
        tb_models_dir = tmp_path / "tb_models"

    return TmpSuite


def test_editing_a_shared_model_changes_the_keys_of_its_problems(tmp_path: Path) -> None:
    """The folder digest (audit keys) and the suite's content hash (verdict cache, validation)
    follow the shared file; a model a problem does not use leaves its keys alone."""
    suite_cls = _tmp_suite(tmp_path, ("fp32_add", "inflate_fixed"))
    problems = {p.id: p for p in suite_cls().problems()}
    before = {pid: problem_files_digest(p) for pid, p in problems.items()}
    hash_before = suite_cls().content_hash()
    model = tmp_path / "tb_models" / "binary32.py"
    flags = "NV, DZ, OF, UF, NX = 16, 8, 4, 2, 1"
    model.write_text(model.read_text().replace(flags, flags[:-4] + "1, 2"))
    # the digest reads the shared file itself (a problem loaded before the edit sees it too)
    assert problem_files_digest(problems["fp32_add"]) != before["fp32_add"]
    reloaded = {p.id: p for p in suite_cls().problems()}
    assert problem_files_digest(reloaded["fp32_add"]) != before["fp32_add"]
    assert problem_files_digest(reloaded["inflate_fixed"]) == before["inflate_fixed"]
    assert suite_cls().content_hash() != hash_before
    assert "4, 1, 2" in reloaded["fp32_add"].data["tb_models"]["binary32.py"]
    assert reloaded["fp32_add"].data["shared_files"] == ["../../tb_models/binary32.py"]


def test_content_hash_does_not_depend_on_where_the_suite_lives(tmp_path: Path) -> None:
    """The shared files are named relative to the problem, so two checkouts agree."""
    a = _tmp_suite(tmp_path / "a", ("fp32_mul",))
    b = _tmp_suite(tmp_path / "b", ("fp32_mul",))
    assert a().content_hash() == b().content_hash()


def _problem(tmp_path: Path, models: str) -> Path:
    folder = tmp_path / "problems" / "p1"
    shutil.copytree(PROBLEMS / "fp32_add", folder)
    meta = (folder / "meta.toml").read_text().replace('tb_models = ["binary32"]', f"tb_models = {models}")
    (folder / "meta.toml").write_text(meta)
    return folder


@pytest.mark.parametrize(("models", "message"), [
    ('["nosuch"]', "'nosuch' has no file"),
    ('["zlib"]', "'zlib' is not a usable module name"),
    ('["tb"]', "'tb' is not a usable module name"),
    ('["../binary32"]', "is not a usable module name"),
    ('"binary32"', "must be a list of module names"),
])
def test_bad_tb_models_are_one_line_data_errors(tmp_path: Path, models: str, message: str) -> None:
    folder = _problem(tmp_path, models)
    with pytest.raises(DataError) as err:
        load_problem_folder("s", folder, TB_MODELS)
    text = str(err.value)
    assert message in text and str(folder / "meta.toml") in text and "\n" not in text


def test_tb_models_need_a_suite_folder(tmp_path: Path) -> None:
    folder = _problem(tmp_path, '["binary32"]')
    assert CocotbVerilogSuite.tb_models_dir is None
    with pytest.raises(DataError, match="this suite has no tb_models_dir"):
        load_problem_folder("s", folder)


def test_prompt_shows_no_shared_model() -> None:
    suite = VerilogHardSuite()
    for problem in suite.problems():
        if "tb_models" not in problem.data:
            continue
        text = "\n".join(m.content for m in suite.prompt(problem).messages)
        for source in problem.data["tb_models"].values():
            body = [line for line in source.splitlines() if line.startswith("def ")]
            assert body and not any(line in text for line in body), problem.id


@pytest.mark.slow
def test_candidate_reads_a_shared_model_no_more_than_tb_py(tmp_path: Path) -> None:
    """The shared model lies beside tb.py in the sandbox; an answer that reads either is
    rejected by the file-I/O rule, and the reference, which needs the model, passes."""
    ref = (PROBLEMS / "fp32_add" / "ref.v").read_text()
    spy = "\n  reg [7:0] spy [0:3];\n  initial $readmemh(\"{}\", spy);\nendmodule"
    answers = [fenced(ref.rsplit("endmodule", 1)[0] + spy.format(name)) for name in ("binary32.py", "tb.py")]
    replay = write_replay(tmp_path / "r.jsonl", "verilog-hard", "fp32_add", [*answers, fenced(ref)])
    out = tmp_path / "run"
    proc = hweval("run", "--suite", "verilog-hard", "--model", f"replay:{replay}", "--problems", "fp32_add",
                  "--n-samples", "3", "-S", "synth=off", "-S", "validate=off", "--timeout", "300", "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    recs = executions(out)
    assert [recs[i]["status"] for i in range(3)] == ["rejected", "rejected", "pass"], recs
    assert recs[0]["rule"] == recs[1]["rule"] == "file_io"
