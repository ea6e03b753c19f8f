# SPDX-License-Identifier: Apache-2.0
# Sourced by the fuzz scripts: what they share.

# Exit 77 (a ctest skip) when the compiler "$cxx" is missing.
require_fuzz_compiler() {
    if ! command -v "$cxx" >/dev/null; then
        echo "SKIP: $cxx not found (Debian: apt-get install clang libclang-rt-dev)"
        exit 77
    fi
}

# After a failed link or build whose messages are in $1: exit 77 when libFuzzer is what is
# missing, else print them and exit 1.
fail_fuzz_build() {
    cat "$1"
    if grep -q "libclang_rt.fuzzer\|fuzzer" "$1"; then
        echo "SKIP: libFuzzer is not installed (Debian: apt-get install libclang-rt-dev)"
        exit 77
    fi
    exit 1
}
