// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <CLI/CLI.hpp>

namespace macf::cli {

/// Registers `macf scan` on `app`.
void add_scan_command(CLI::App& app);
/// Registers `macf gen`.
void add_gen_command(CLI::App& app);
/// Registers `macf import-pairs`.
void add_import_command(CLI::App& app);
/// Registers `macf quote`.
void add_quote_command(CLI::App& app);
/// Registers `macf sync`.
void add_sync_command(CLI::App& app);
/// Registers `macf deploy-executor` and `macf execute`.
void add_execution_commands(CLI::App& app);
/// Registers `macf serve`.
void add_serve_command(CLI::App& app);
/// Registers `macf bench`.
void add_bench_command(CLI::App& app);

/// Exit codes of the macf command.
enum ExitCode : int {
    kExitOk = 0,
    kExitError = 1,          ///< bad input or a failed operation; the message says which
    kExitUsage = 2,          ///< bad command line (CLI11's own code)
    kExitModesDisagree = 3,  ///< `--mode all` found modes returning different opportunities
};

/// Flushes stdout (both the C++ stream and C stdio) and returns `code`, or kExitError with a
/// message on stderr when any write to stdout failed (a full disk, a closed pipe): results that
/// did not reach stdout never exit 0.
int check_stdout(int code) noexcept;

/// The exit code a command asked for (kExitOk unless set).
int& requested_exit_code() noexcept;

}  // namespace macf::cli
