"""The judge: a trusted parent process, inside the sandbox, that holds the run's nonce.

C-simulation runs two programs (:mod:`harness.families.hls.kernel_link`): the testbench's,
linked without the kernel, and the kernel's (the candidate's kernel and the harness's host
``main``), which serves the testbench's calls of the top function over two pipes. Neither sees
the nonce: the judge reads it from its own standard input, then starts

* the testbench program with ``/dev/null`` as standard input, its standard output on a pipe the
  judge relays, as descriptor 3 the write end of a pipe on which the harness's ``main`` reports
  that the testbench returned (and with which code), after it did, and as descriptors 4 and 5
  the link to the kernel program; no other descriptor. The judge waits until it has executed
  (a close-on-exec pipe) before it starts
* the kernel program, with ``/dev/null`` as standard input, its standard output and error on the
  judge's standard error, and as descriptors 3 and 4 the other ends of the link; no other
  descriptor: it cannot reach descriptor 3 of the testbench, the relayed output or the judge.
  It may create, change, rename or remove no file anywhere (a Landlock ruleset that handles every
  write access to the file system and grants none, signals and abstract sockets scoped to itself)
  and may grow no file (``RLIMIT_FSIZE`` 0); the same ruleset lets it read and execute only its
  own file and the libraries (:mod:`harness.families.hls.judge_fs`), and its host ``main`` refuses
  every later ``execve``/``execveat`` (a filter of its own). A system-call filter (seccomp, with or without
  Landlock) refuses making, renaming or removing entries, opening for writing or creating,
  changing modes, owners or times, ``openat2``, io_uring, ``ptrace`` and ``process_vm_*``. Before
  it starts, the judge removes every file of its folder but the kernel program (the testbench
  program is already running), so the kernel program can neither run the testbench as an oracle
  nor read it; its environment has no stimulus seed. A judge that cannot set up the confinement
  ends the kernel program (exit 126) instead of running it unconfined.

The judge makes itself non-dumpable first (the testbench program does too), so neither child can
read or trace it through ``/proc`` or ``ptrace``. It relays the testbench program's standard
output (capped at :data:`RELAY_CAP` bytes, so the judge's line always fits in what the harness
keeps), waits for it, gives the kernel program two seconds to end (it reads the end of the
link), kills it if it has not, and prints one sealed line::

    HWEVAL-CSIM-END <nonce> exit=<code> returned=<testbench code|none>     (or signal=<n>)

and exits with the testbench program's code (128 + n for a signal). The harness trusts only that
line (:func:`harness.families.hls.verdict.classify_run`): the testbench program's exit status as
seen by its parent, and whether the testbench returned, never a line a child printed. The judge
is compiled by the harness from the source below (our code, outside the sandbox) and cached by
the hash of that source and the compiler.
"""
from __future__ import annotations

import fcntl
import hashlib
import os
from pathlib import Path

from harness.families.hls.judge_fs import grant_source
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
#include <cstddef>
#include <cstdint>
#include <dirent.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#ifndef SYS_landlock_create_ruleset
#define SYS_landlock_create_ruleset 444
#define SYS_landlock_restrict_self 446
#endif

static void write_all(int fd, const char *buf, size_t n) {
    while (n > 0) {
        ssize_t w = write(fd, buf, n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return;
        buf += w;
        n -= (size_t)w;
    }
}

static int high(int fd) { return fcntl(fd, F_DUPFD_CLOEXEC, 100); }

// In a child: make exactly the descriptors listed (target <- source) and close every other one.
static void only(const int *targets, const int *sources, int n) {
    for (int i = 0; i < n; i++)
        if (dup2(sources[i], targets[i]) < 0) _exit(126);
    for (int fd = 0; fd < 4096; fd++) {
        bool keep = false;
        for (int i = 0; i < n; i++) keep = keep || fd == targets[i];
        if (!keep) close(fd);
    }
}

// The kernel program's system-call filter: no folder, link, node or name is made, renamed or
// removed, no file is opened for writing or created, no mode, owner or time is changed, no other
// process is traced or its memory read, and io_uring (whose operations pass by the filter) and
// openat2 (whose flags it cannot see) are refused: EPERM, whether or not the kernel has Landlock.
#if defined(__x86_64__)
#define HW_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define HW_ARCH AUDIT_ARCH_AARCH64
#endif
static bool filter_calls() {
#ifdef HW_ARCH
    static const long denied[] = {
#define HW(name) SYS_##name,
#ifdef SYS_mkdir
        HW(mkdir) HW(rmdir) HW(unlink) HW(rename) HW(link) HW(symlink) HW(mknod) HW(creat) HW(chmod) HW(chown)
        HW(lchown) HW(utime) HW(utimes) HW(futimesat)
#endif
        HW(mkdirat) HW(unlinkat) HW(renameat) HW(renameat2) HW(linkat) HW(symlinkat) HW(mknodat) HW(truncate)
        HW(fchmod) HW(fchmodat) HW(fchown) HW(fchownat) HW(utimensat) HW(openat2) HW(io_uring_setup)
        HW(io_uring_enter) HW(io_uring_register) HW(name_to_handle_at) HW(open_by_handle_at) HW(ptrace)
        HW(process_vm_readv) HW(process_vm_writev)
#undef HW
    };
    const unsigned writes = O_WRONLY | O_RDWR | O_CREAT | O_TRUNC | O_APPEND;
    const unsigned deny = SECCOMP_RET_ERRNO | EPERM;
    sock_filter f[200];
    unsigned short n = 0;
    auto put = [&](sock_filter x) { f[n++] = x; };
    put(BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, arch)));
    put(BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, HW_ARCH, 1, 0));
    put(BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS));
    put(BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, nr)));
#ifdef __x86_64__
    put(BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, 0x40000000, 0, 1));  // the x32 numbers
    put(BPF_STMT(BPF_RET | BPF_K, deny));
#endif
    for (long nr : denied) {
        put(BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (unsigned)nr, 0, 1));
        put(BPF_STMT(BPF_RET | BPF_K, deny));
    }
    struct { long nr; unsigned arg; } opens[] = {
#ifdef SYS_open
        {SYS_open, 1},
#endif
        {SYS_openat, 2}};
    for (auto o : opens) {  // an open whose flags ask for writing or creating
        put(BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (unsigned)o.nr, 0, 3));
        put(BPF_STMT(BPF_LD | BPF_W | BPF_ABS, (unsigned)(offsetof(seccomp_data, args) + 8 * o.arg)));
        put(BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, writes, 0, 1));
        put(BPF_STMT(BPF_RET | BPF_K, deny));
        put(BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, nr)));
    }
    put(BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW));
    sock_fprog prog = {n, f};
    return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0) == 0;
#else
    return false;  // an architecture the filter does not know: the kernel program is not run
#endif
}

// Before the kernel program starts, its folder keeps only the kernel program: the testbench
// program (already running), its object and sources are removed, so the kernel program can
// neither run the testbench as an oracle nor read it (red team 8 S4). Folders are left alone.
static void clear_folder(const char *keep) {
    if (strncmp(keep, "./", 2) == 0) keep += 2;
    DIR *dir = opendir(".");
    if (dir == nullptr) return;
    while (dirent *e = readdir(dir)) {
        struct stat st;
        if (strcmp(e->d_name, keep) == 0 || fstatat(dirfd(dir), e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 ||
            S_ISDIR(st.st_mode))
            continue;
        unlinkat(dirfd(dir), e->d_name, 0);
    }
    closedir(dir);
}

// @GRANT@
// In the kernel program's child, before exec: it may create, change, rename or remove no file
// anywhere (Landlock: every write access to the file system handled, none granted; abstract
// sockets and signals scoped to itself), and no file it writes may grow (RLIMIT_FSIZE 0, also
// where the kernel has no Landlock); it may read and execute only its own file and the libraries
// (grant_reads, judge_fs.py). Descriptors already open (the link, stdout) are unaffected.
static bool confine_files(const char *program) {
    struct rlimit none = {0, 0};
    std::signal(SIGXFSZ, SIG_IGN);  // a write past the limit fails (EFBIG) instead of killing the kernel
    if (setrlimit(RLIMIT_FSIZE, &none) != 0 || prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return false;
    long abi = syscall(SYS_landlock_create_ruleset, nullptr, 0, 1UL);  // 1: LANDLOCK_CREATE_RULESET_VERSION
    if (!filter_calls()) return false;
    if (abi < 1) return true;  // no Landlock here: the filter and the file-size limit stay
    uint64_t attr[3] = {0, 0, 0};  // handled_access_fs, handled_access_net (ABI 4), scoped (ABI 6)
    attr[0] = 0x1fffULL;  // EXECUTE, WRITE_FILE, READ_FILE, READ_DIR, REMOVE_*, MAKE_*
    if (abi >= 2) attr[0] |= 1ULL << 13;  // REFER (links and renames across folders)
    if (abi >= 3) attr[0] |= 1ULL << 14;  // TRUNCATE
    size_t size = 8;
    if (abi >= 4) { attr[1] = 3; size = 16; }  // TCP bind and connect
    if (abi >= 6) { attr[2] = 3; size = 24; }  // abstract unix sockets and signals stay inside
    int rs = (int)syscall(SYS_landlock_create_ruleset, attr, size, 0UL);
    if (rs < 0) return false;
    bool ok = grant_reads(rs, program) && syscall(SYS_landlock_restrict_self, rs, 0UL) == 0;
    close(rs);
    return ok;
}

int main(int argc, char **argv) {
    if (argc != 3) return 125;
    prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);  // the children may not read this process's memory (/proc/ppid/mem)
    char nonce[130] = {0};
    ssize_t got = read(0, nonce, sizeof(nonce) - 1);
    if (got <= 0) return 125;
    nonce[strcspn(nonce, "\r\n")] = 0;
    int out[2], ret[2], down[2], up[2], exec_sync[2];
    if (pipe(out) != 0 || pipe(ret) != 0 || pipe(down) != 0 || pipe(up) != 0 || pipe2(exec_sync, O_CLOEXEC) != 0)
        return 125;
    int devnull = open("/dev/null", O_RDONLY);
    int h_null = high(devnull), h_out = high(out[1]), h_ret = high(ret[1]), h_down_w = high(down[1]),
        h_up_r = high(up[0]), h_down_r = high(down[0]), h_up_w = high(up[1]), h_err = high(2);
    if (devnull < 0 || h_null < 0 || h_out < 0 || h_ret < 0 || h_down_w < 0 || h_up_r < 0 || h_down_r < 0 ||
        h_up_w < 0 || h_err < 0)
        return 125;
    pid_t pid = fork();  // the testbench program: stdout to the relay, 3 = "returned", 4/5 = the kernel link
    if (pid < 0) return 125;
    if (pid == 0) {
        close(exec_sync[0]);
        int targets[] = {0, 1, 2, 3, 4, 5, exec_sync[1]};
        int sources[] = {h_null, h_out, h_err, h_ret, h_down_w, h_up_r, exec_sync[1]};
        only(targets, sources, 7);
        char *child_argv[] = {argv[1], nullptr};
        execv(argv[1], child_argv);
        _exit(127);
    }
    close(exec_sync[1]);
    char sync_byte;
    while (read(exec_sync[0], &sync_byte, 1) < 0 && errno == EINTR) {}  // EOF: the testbench program is running
    close(exec_sync[0]);
    clear_folder(argv[2]);
    pid_t kpid = fork();  // the kernel program: 3/4 = the link, stdout and stderr to the judge's stderr
    if (kpid == 0) {
        int targets[] = {0, 1, 2, 3, 4};
        int sources[] = {h_null, h_err, h_err, h_down_r, h_up_w};
        only(targets, sources, 5);
        unsetenv("HWEVAL_TB_SEED");  // the testbench's stimulus seed is none of the kernel's business
        if (!confine_files(argv[2])) {
            static const char msg[] = "hweval judge: the kernel program could not be confined\n";
            write_all(2, msg, sizeof msg - 1);
            _exit(126);
        }
        char *child_argv[] = {argv[2], nullptr};
        execv(argv[2], child_argv);
        _exit(127);
    }
    int mine[] = {devnull, h_null, h_out, h_ret, h_down_w, h_up_r, h_down_r, h_up_w, h_err,
                  down[0], down[1], up[0], up[1]};
    for (int fd : mine) close(fd);
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
    if (kpid > 0) {  // the link is closed: the kernel program ends by itself; one that does not is killed
        bool ended = false;
        for (int i = 0; i < 200 && !ended; i++) {
            pid_t w = waitpid(kpid, nullptr, WNOHANG);
            ended = w == kpid || (w < 0 && errno != EINTR);
            if (!ended) usleep(10000);
        }
        if (!ended) {
            kill(kpid, SIGKILL);
            while (waitpid(kpid, nullptr, 0) < 0 && errno == EINTR) {}
        }
    }
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
JUDGE_SOURCE = ("// hweval C-simulation judge (trusted): runs argv[1] (testbench) and argv[2] (kernel), which never see the nonce.\n"
                f"#define RELAY_CAP ((size_t){RELAY_CAP})\n" + _BODY.replace("// @GRANT@\n", grant_source(), 1))


#: The judge's compile flags. ``--no-as-needed``: the judge is loaded with the C++ runtime libraries
#: (libstdc++, libm, libgcc_s) even though it calls none of them, so the kernel program may read
#: them wherever this compiler's runtime lives (:mod:`harness.families.hls.judge_fs`).
JUDGE_FLAGS = ("-O1", "-std=gnu++14", "-Wl,--no-as-needed")


def judge_key(cxx: str, version: str) -> str:
    return hashlib.sha256(f"{cxx}\0{version}\0{' '.join(JUDGE_FLAGS)}\0{JUDGE_SOURCE}".encode()).hexdigest()


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
        res = run_process([cxx, *JUDGE_FLAGS, str(src), "-o", str(tmp)], timeout_s=120)
        if not res.ok:
            tmp.unlink(missing_ok=True)
            raise OSError(f"the judge does not compile: {res.stderr[-500:]}")
        os.replace(tmp, target)
    return target
