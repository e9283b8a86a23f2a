"""The judge: a trusted parent process, inside the sandbox, that holds the run's nonce.

The C-simulation program (testbench plus the candidate's kernel, one process) never sees the
nonce: the judge reads it from its own standard input, starts the program as a child with
``/dev/null`` as standard input, no argument, and as descriptor 3 the write end of a pipe on
which the harness's ``main`` reports that the testbench returned (and with which code), after
it did; no other descriptor beyond 0-2. The judge makes itself non-dumpable first, so the child
cannot read its memory through ``/proc``. The judge relays the child's
standard output (capped at :data:`RELAY_CAP` bytes, so the judge's line always fits in what the
harness keeps), waits for it and then prints one sealed line::

    HWEVAL-CSIM-END <nonce> exit=<code> returned=<testbench code|none>     (or signal=<n>)

and exits with the child's code (128 + n for a signal). The harness trusts only that line
(:func:`harness.families.hls.verdict.classify_run`): the child's exit status as seen by its
parent, and whether the testbench returned, never a line the child printed. A kernel that ends
the process before the testbench returns (which the integrity checks already forbid) leaves
``returned=none``. The judge is compiled by the harness from
the source below (our code, outside the sandbox) and cached by the hash of that source and the
compiler.
"""
from __future__ import annotations

import fcntl
import hashlib
import os
from pathlib import Path

from harness.proc import run_process

JUDGE_BINARY = "hweval_judge"
JUDGE_MARKER = "HWEVAL-CSIM-END"
RELAY_CAP = 16 * 1024
_BODY = r"""
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

static void write_all(int fd, const char *buf, size_t n) {
    while (n > 0) {
        ssize_t w = write(fd, buf, n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return;
        buf += w;
        n -= (size_t)w;
    }
}

int main(int argc, char **argv) {
    if (argc != 2) return 125;
    prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);  // the child may not read this process's memory (/proc/ppid/mem)
    char nonce[130] = {0};
    ssize_t got = read(0, nonce, sizeof(nonce) - 1);
    if (got <= 0) return 125;
    nonce[strcspn(nonce, "\r\n")] = 0;
    int out[2], ret[2];
    if (pipe(out) != 0 || pipe(ret) != 0) return 125;
    pid_t pid = fork();
    if (pid < 0) return 125;
    if (pid == 0) {
        int devnull = open("/dev/null", O_RDONLY);
        if (devnull < 0 || dup2(devnull, 0) < 0 || dup2(out[1], 1) < 0 || dup2(ret[1], 3) < 0) _exit(126);
        for (int fd = 4; fd < 4096; fd++) close(fd);
        char *child_argv[] = {argv[1], nullptr};
        execv(argv[1], child_argv);
        _exit(127);
    }
    close(out[1]);
    close(ret[1]);
    char buf[4096];
    size_t relayed = 0;
    for (;;) {
        ssize_t n = read(out[0], buf, sizeof(buf));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        size_t room = relayed < RELAY_CAP ? RELAY_CAP - relayed : 0;
        size_t keep = (size_t)n < room ? (size_t)n : room;
        write_all(1, buf, keep);
        relayed += keep;
    }
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
    char returned[32] = {0};
    ssize_t r = read(ret[0], returned, sizeof(returned) - 1);
    int tb_rc = 0;
    bool tb_returned = r > 0 && sscanf(returned, "%d", &tb_rc) == 1;
    char tail[32];
    if (tb_returned) snprintf(tail, sizeof tail, "%d", tb_rc);
    else snprintf(tail, sizeof tail, "none");
    char line[300];
    int code;
    if (WIFSIGNALED(status)) {
        code = 128 + WTERMSIG(status);
        snprintf(line, sizeof line, "\n%s %s signal=%d returned=%s\n", "HWEVAL-CSIM-END", nonce, WTERMSIG(status), tail);
    } else {
        code = WEXITSTATUS(status);
        snprintf(line, sizeof line, "\n%s %s exit=%d returned=%s\n", "HWEVAL-CSIM-END", nonce, code, tail);
    }
    write_all(1, line, strlen(line));
    return code;
}
"""
JUDGE_SOURCE = ("// hweval C-simulation judge (trusted): runs argv[1] as a child that never sees the nonce.\n"
                f"#define RELAY_CAP ((size_t){RELAY_CAP})\n" + _BODY)


def judge_key(cxx: str, version: str) -> str:
    return hashlib.sha256(f"{cxx}\0{version}\0{JUDGE_SOURCE}".encode()).hexdigest()


def ensure_judge(folder: Path, cxx: str, version: str) -> Path:
    """The compiled judge under ``folder`` (built once, under a lock); raises OSError on failure."""
    key = judge_key(cxx, version)
    target = folder / "judge" / key[:24] / JUDGE_BINARY
    if target.is_file():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target.parent / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if target.is_file():
            return target
        src = target.parent / "judge.cpp"
        src.write_text(JUDGE_SOURCE)
        tmp = target.parent / f".tmp-{os.getpid()}"
        res = run_process([cxx, "-O1", "-std=gnu++14", str(src), "-o", str(tmp)], timeout_s=120)
        if not res.ok:
            tmp.unlink(missing_ok=True)
            raise OSError(f"the judge does not compile: {res.stderr[-500:]}")
        os.replace(tmp, target)
    return target
