// SPDX-License-Identifier: Apache-2.0
// macf: GPU-accelerated arbitrage route search. Entry point of the command line.

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>
#include <iostream>

#include "commands.hpp"
#include "log_format.hpp"

int main(int argc, char** argv) {
    CLI::App app{
        "macf: scores every 2-4 hop cyclic arbitrage route of a DEX market in one batch, sizes "
        "each profitable cycle exactly to the wei, and compares the MACF modes (sequential, "
        "batch, parallel, ultra)."};
    app.set_version_flag("--version", "macf 0.1.0");
    std::string log_level = "info";
    app.add_option("--log-level", log_level, "Log level: trace, debug, info, warn, error, off")
        ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "off"}))
        ->capture_default_str();
    app.require_subcommand(1);
    macf::cli::add_scan_command(app);
    macf::cli::add_gen_command(app);
    macf::cli::add_import_command(app);
    macf::cli::add_quote_command(app);
    macf::cli::add_sync_command(app);
    macf::cli::add_execution_commands(app);
    macf::cli::add_serve_command(app);
    macf::cli::add_bench_command(app);
    app.footer("Logs go to stderr; results to stdout. Run 'macf COMMAND --help' for each command.");
    app.parse_complete_callback([&] {
        auto logger = spdlog::stderr_color_mt("macf");
        spdlog::set_default_logger(logger);
        macf::cli::use_log_format("plain");
        spdlog::set_level(spdlog::level::from_str(log_level));
    });
    int code = macf::cli::kExitOk;
    try {
        app.parse(argc, argv);
        code = macf::cli::requested_exit_code();
    } catch (const CLI::ParseError& e) {
        // app.exit prints the message (or the help); every usage error exits with 2.
        code = app.exit(e) == 0 ? macf::cli::kExitOk : macf::cli::kExitUsage;
    } catch (const std::exception& e) {
        spdlog::error("{}", e.what());
        code = macf::cli::kExitError;
    }
    // Results go to stdout: a write that failed (a full disk, a closed pipe) must not exit 0.
    return macf::cli::check_stdout(code);
}

int macf::cli::check_stdout(int code) noexcept {
    std::cout.flush();
    errno = 0;
    const bool c_failed = std::fflush(stdout) != 0 || std::ferror(stdout) != 0;
    const int err = errno;
    if (!std::cout.fail() && !c_failed) return code;
    std::fprintf(stderr, "macf: error: could not write the results to stdout%s%s\n",
                 err != 0 ? ": " : "", err != 0 ? std::strerror(err) : "");
    return code == kExitOk ? kExitError : code;
}

int& macf::cli::requested_exit_code() noexcept {
    static int code = kExitOk;
    return code;
}
