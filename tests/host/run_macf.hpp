// SPDX-License-Identifier: Apache-2.0
#pragma once

// Runs the macf binary as a user does, for the command-line tests.

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <string>

namespace macf::test {

/// Exit code and standard output of one run.
struct CommandResult {
    int code;
    std::string out;
};

/// Runs `macf ARGS` through the shell, capturing stdout; `redirect` says where stderr goes
/// ("2>&1" merges it into the capture).
inline CommandResult run_macf(const std::string& args,
                              const std::string& redirect = "2>/dev/null") {
    const std::string cmd = std::string(MACF_BINARY) + " " + args + " " + redirect;
    FILE* p = popen(cmd.c_str(), "r");
    CommandResult r{-1, {}};
    if (p == nullptr) return r;
    std::array<char, 4096> buf{};
    while (const std::size_t n = fread(buf.data(), 1, buf.size(), p)) r.out.append(buf.data(), n);
    const int status = pclose(p);
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return r;
}

}  // namespace macf::test
