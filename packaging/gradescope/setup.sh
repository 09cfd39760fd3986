#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder's image: it installs the
# compiler and what the grader confines submissions with, builds heapkit (the handout: the assigned
# stages are stubs) in source/heapkit, and makes source/ root's alone: the kit, its traces and the
# assignment's test list are out of reach of the unprivileged uids submissions run as.
# HEAPKIT_AUTOGRADER_ROOT moves /autograder elsewhere (the kit's own tests use a fake root).
set -euo pipefail
root=${HEAPKIT_AUTOGRADER_ROOT:-/autograder}

missing=()
for tool in cc make python3 ld objcopy; do
    command -v "$tool" >/dev/null || missing+=("$tool")
done
# libcjson: the grader reads the assignment file with it (required).
printf '#include <cjson/cJSON.h>\n' | cc -E -x c - >/dev/null 2>&1 || missing+=(libcjson-dev)
# libseccomp: the runner's system-call filter; bubblewrap: the build's own view of the disk. The
# grader works without them and says so in every report, so failing to install them is not fatal.
printf '#include <seccomp.h>\n' | cc -E -x c - >/dev/null 2>&1 || missing+=(libseccomp-dev)
command -v bwrap >/dev/null || missing+=(bubblewrap)
if [ ${#missing[@]} -gt 0 ] && command -v apt-get >/dev/null; then
    echo "setup.sh: installing (missing: ${missing[*]})"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update
    apt-get install -y --no-install-recommends gcc make binutils libc6-dev python3 libcjson-dev
    apt-get install -y --no-install-recommends libseccomp-dev bubblewrap ||
        echo "setup.sh: libseccomp-dev or bubblewrap could not be installed; reports will say so"
fi

# The default target: the grader, each stage's runner and the runner library a submission is linked with.
make -C "$root/source/heapkit" -s
if [ "$(id -u)" = 0 ]; then
    chown -R 0:0 "$root/source"
    chmod -R go-rwx "$root/source"
    # Runner programs stay executable, not readable, by others: the grader execs each one from a
    # descriptor it opened as root, after dropping to the runner's uid.
    find "$root/source/heapkit/build" -type f -name runner -exec chmod 0711 {} +
fi
echo "setup.sh: built $root/source/heapkit/build/heapkit"
