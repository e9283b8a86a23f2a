"""What the kernel program may read and run (issue 14, round 9): C source the judge compiles in.

Round 8 took away the kernel program's writes; it could still read every file the sandbox shows
(``/etc/passwd``, the kernel sources beside it) and execute any program (``/bin/sh``, or the
loader with any readable program as its argument), reaching libc's ``open`` and ``execve`` by
walking libc's symbol table from an allowed function's address. Now, where the machine's kernel
has Landlock, the judge's child also handles reading files, listing folders and executing, and
grants them only on (:func:`grant_reads` below, before it executes the kernel program):

* the kernel program's own file (read and execute);
* the shared objects the judge itself was loaded with (the dynamic loader, libc, libm,
  libstdc++, libgcc_s: found with ``dl_iterate_phdr``, so the paths are those of the machine or
  container the judge runs in), and in their folders the files whose names start with one of
  :data:`LIBRARY_PREFIXES` (the sanitizer runtimes the ``sanitize`` build links); each file by
  itself, never a folder, so no other program in a library folder can be read or run through the
  loader (read and execute: the loader is executed with the program);
* ``/etc/ld.so.cache`` (where the loader finds the libraries), ``/proc/self`` (AddressSanitizer
  reads its maps; it resolves to the kernel program's own folder of ``/proc``) and the devices
  ``/dev/null``, ``/dev/zero``, ``/dev/urandom``.

The second layer needs no Landlock: the kernel program's ``main`` (our host code,
:func:`harness.families.hls.kernel_link.host_text`) installs a system-call filter refusing
``execve`` and ``execveat`` before it serves a call, so after its own start the kernel program
executes nothing. Where Landlock is missing (an old kernel, a container profile that blocks it)
reads stay open; the write rules of round 8 and the exec filter hold either way.
"""
from __future__ import annotations

#: Names (prefixes) of files beside the judge's own libraries that the kernel program may read.
LIBRARY_PREFIXES = ("ld-linux", "libc.so", "libm.so", "libstdc++.so", "libgcc_s.so", "libasan.so", "libubsan.so")

GRANT_SOURCE = r"""
#include <link.h>
#ifndef SYS_landlock_add_rule
#define SYS_landlock_add_rule 445
#endif
struct hw_path_beneath { uint64_t allowed_access; int32_t parent_fd; } __attribute__((packed));
static const uint64_t HW_EXEC = 1, HW_READ_FILE = 1 << 2, HW_READ_DIR = 1 << 3;

// One Landlock rule: `access` on the file or folder at `path` (links followed), file rights only
// for a file.
static bool grant(int rs, const char *path, uint64_t access) {
    int fd = open(path, O_PATH | O_CLOEXEC);
    if (fd < 0) return false;
    struct stat st;
    bool ok = fstat(fd, &st) == 0;
    if (ok) {
        if (!S_ISDIR(st.st_mode)) access &= HW_EXEC | HW_READ_FILE;
        hw_path_beneath pb = {access, fd};
        ok = syscall(SYS_landlock_add_rule, rs, 1UL, &pb, 0UL) == 0;
    }
    close(fd);
    return ok;
}

static const char *const hw_prefixes[] = {@PREFIXES@};

// The library files (see judge_fs.py): each shared object loaded into this process, and the files
// of their folders whose names start with a listed prefix.
static int grant_library(dl_phdr_info *info, size_t, void *data) {
    int rs = *static_cast<int *>(data);
    const char *name = info->dlpi_name;
    if (name == nullptr || name[0] != '/') return 0;
    grant(rs, name, HW_EXEC | HW_READ_FILE);
    char folder[4096];
    size_t cut = strlen(name);
    while (cut > 0 && name[cut - 1] != '/') cut--;
    if (cut == 0 || cut >= sizeof folder - 256) return 0;
    memcpy(folder, name, cut);
    folder[cut] = 0;
    DIR *dir = opendir(folder);
    if (dir == nullptr) return 0;
    while (dirent *e = readdir(dir)) {
        for (const char *prefix : hw_prefixes) {
            if (strncmp(e->d_name, prefix, strlen(prefix)) != 0 || strlen(e->d_name) > 200) continue;
            char path[4096];
            snprintf(path, sizeof path, "%s%s", folder, e->d_name);
            grant(rs, path, HW_EXEC | HW_READ_FILE);
        }
    }
    closedir(dir);
    return 0;
}

// Everything the kernel program may read or execute; false when its own file cannot be granted.
static bool grant_reads(int rs, const char *program) {
    if (!grant(rs, program, HW_EXEC | HW_READ_FILE)) return false;
    dl_iterate_phdr(grant_library, &rs);
    grant(rs, "/etc/ld.so.cache", HW_READ_FILE);
    grant(rs, "/proc/self", HW_READ_FILE | HW_READ_DIR);
    static const char *const devices[] = {"/dev/null", "/dev/zero", "/dev/urandom"};
    for (const char *dev : devices) grant(rs, dev, HW_READ_FILE);
    return true;
}
"""


def grant_source() -> str:
    """The C source of ``grant_reads`` (inserted into the judge before ``confine_files``)."""
    return GRANT_SOURCE.replace("@PREFIXES@", ", ".join(f'"{p}"' for p in LIBRARY_PREFIXES))
