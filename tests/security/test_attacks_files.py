"""Attacks on files: read secrets outside scratch, read API keys, write outside scratch."""
from __future__ import annotations

import os
import secrets
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from harness.sandbox.base import Limits, Sandbox
from tests.security.attack_helpers import run_py, tree_text

pytestmark = pytest.mark.slow  # every test here starts a sandbox


@pytest.fixture
def home_secret(token: str) -> Iterator[dict[str, Path]]:
    """A root-only secret file and a world-readable one in a folder, both in the user's home."""
    home = Path.home()
    tag = secrets.token_hex(4)  # file names must not contain the secret itself
    private = home / f".hweval-attack-{tag}"
    folder = home / f".hweval-attack-dir-{tag}"
    private.write_text(f"SECRET {token}\n")
    os.chmod(private, 0o600)
    folder.mkdir(mode=0o755)
    (folder / "key.txt").write_text(f"SECRET {token}\n")
    os.chmod(folder / "key.txt", 0o644)
    yield {"private": private, "public": folder / "key.txt"}
    private.unlink(missing_ok=True)
    shutil.rmtree(folder, ignore_errors=True)


READ_ATTACK = r'''
import glob, os, sys
targets = sys.argv[1:]
for t in targets:
    for how in (t, "/proc/1/root" + t, "/proc/self/root" + t, "../../../../../../.." + t):
        try:
            print("READ", how, open(how).read())
        except Exception as exc:
            print("denied", how, type(exc).__name__)
    parent = os.path.dirname(t)
    try:
        print("LIST", parent, os.listdir(parent))
    except Exception as exc:
        print("denied list", parent, type(exc).__name__)
for pattern in ("/root/*", "/root/.*", "/home/*/*", os.path.expanduser("~") + "/*"):
    for path in glob.glob(pattern):
        try:
            print("GLOB", path, open(path).read()[:200])
        except Exception:
            pass
# leave a link for the harness to follow when it reads our outputs later
for i, t in enumerate(targets):
    try:
        os.symlink(t, f"result{i}.txt")
    except OSError:
        pass
'''


def test_secret_in_home_is_never_read(sandbox: Sandbox, home_secret: dict[str, Path], token: str,
                                      tmp_path: Path) -> None:
    work = tmp_path / "work"
    res = run_py(sandbox, READ_ATTACK, work, args=(str(home_secret["private"]), str(home_secret["public"])))
    assert res.infra_error is None, res.infra_error
    assert "denied" in res.stdout
    assert token not in res.stdout + res.stderr
    assert token not in tree_text(work)
    assert not any(p.is_symlink() for p in work.rglob("*")), "a link the harness would follow came back"


def test_other_samples_and_run_dir_are_hidden(sandbox: Sandbox, token: str, tmp_path: Path) -> None:
    run_dir = tmp_path / "results" / "runs" / "demo"
    run_dir.mkdir(parents=True)
    (run_dir / "completions.jsonl").write_text(f'{{"completion": "{token}"}}\n')
    other = Path(tempfile.mkdtemp(prefix="hweval-"))  # a concurrent sample's scratch folder
    try:
        (other / "design.v").write_text(f"// {token}\n")
        os.chmod(other, 0o755)
        os.chmod(other / "design.v", 0o644)
        work = tmp_path / "work"
        res = run_py(sandbox, READ_ATTACK, work,
                     args=(str(run_dir / "completions.jsonl"), str(other / "design.v")))
        assert res.infra_error is None, res.infra_error
        assert token not in res.stdout + res.stderr
        assert token not in tree_text(work)
    finally:
        shutil.rmtree(other, ignore_errors=True)


ENV_ATTACK = r'''
import glob, os
print("ENV", dict(os.environ))
for path in glob.glob("/proc/*/environ"):
    try:
        print(path, open(path, "rb").read())
    except Exception as exc:
        print("denied", path, type(exc).__name__)
'''


def test_api_keys_do_not_reach_the_candidate(sandbox: Sandbox, token: str, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("OPENAI_API_KEY", "ANTHROPIC_API_KEY", "HF_TOKEN", "AWS_SECRET_ACCESS_KEY", "HWEVAL_API_KEY"):
        monkeypatch.setenv(name, f"{name}-{token}")
    res = run_py(sandbox, ENV_ATTACK, tmp_path / "work")
    assert res.infra_error is None, res.infra_error
    assert "ENV" in res.stdout
    assert token not in res.stdout + res.stderr


WRITE_ATTACK = r'''
import os, sys
for target in sys.argv[1:]:
    try:
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, "w") as fh:
            fh.write("pwned")
        print("WROTE", target)
    except Exception as exc:
        print("denied", target, type(exc).__name__)
open("inside.txt", "w").write("fine")
'''


def test_nothing_is_written_outside_scratch(sandbox: Sandbox, token: str, tmp_path: Path) -> None:
    import harness

    work = tmp_path / "work"
    host_tmp = Path(tempfile.gettempdir())
    targets = [
        Path.home() / f"pwned-{token}",
        tmp_path / f"pwned-{token}",
        work.parent / f"sibling-{token}" / "x",
        host_tmp / f"pwned-{token}",
        Path(harness.__file__).parent / f"pwned-{token}.py",
        Path(os.__file__).parent / f"pwned-{token}.py",
        Path("/usr/bin") / f"pwned-{token}",
        Path("/etc") / f"pwned-{token}",
        Path("/") / f"pwned-{token}",
    ]
    try:
        res = run_py(sandbox, WRITE_ATTACK, work, args=tuple(str(t) for t in targets))
        assert res.infra_error is None, res.infra_error
        assert (work / "inside.txt").read_text() == "fine"
        leaked = [str(t) for t in targets if t.exists()]
        assert not leaked, f"written outside scratch: {leaked}"
    finally:
        for t in targets:
            if t.is_file():
                t.unlink()


VERILOG_ATTACK = r'''
module top;
  integer fd, r;
  reg [95:0] mem [0:0];
  reg [8*200:1] line;
  initial begin
    fd = $fopen("SECRET", "r");
    if (fd != 0) begin r = $fgets(line, fd); $display("FGETS %s", line); end
    else $display("fopen read denied");
    fd = $fopen("PWNED", "w");
    if (fd != 0) begin $fwrite(fd, "pwned"); $fclose(fd); end
    else $display("fopen write denied");
    $readmemh("SECRET", mem);
    $display("MEM %h", mem[0]);
  end
endmodule
'''


@pytest.mark.slow
def test_verilog_file_and_host_tasks_are_contained(sandbox: Sandbox, token: str, tmp_path: Path) -> None:
    """Defence in depth: even if the integrity scan let them through, the sandbox holds.

    (Icarus has no ``$system``; the pipeline test checks that it is rejected.)
    """
    if shutil.which("iverilog") is None:
        pytest.skip("iverilog not installed")
    secret_dir = Path(tempfile.mkdtemp(prefix="hweval-secret-"))
    secret = secret_dir / "secret.hex"
    secret.write_text(token + "\n")  # hex digits: $readmemh would load and print it
    os.chmod(secret_dir, 0o755)
    os.chmod(secret, 0o644)
    pwned = tmp_path / "pwned.txt"
    code = VERILOG_ATTACK.replace("SECRET", str(secret)).replace("PWNED", str(pwned))
    work = tmp_path / "work"
    try:
        res = sandbox.run(["/bin/sh", "-c", "iverilog -o sim.vvp design.v && vvp -n sim.vvp"], workdir=work,
                          files={"design.v": code}, limits=Limits(wall_s=60))
    finally:
        shutil.rmtree(secret_dir, ignore_errors=True)
    assert res.infra_error is None, res.infra_error
    assert "MEM" in res.stdout, res.stdout + res.stderr  # the simulation ran
    assert token not in res.stdout + res.stderr
    assert token not in tree_text(work)
    assert not pwned.exists()
