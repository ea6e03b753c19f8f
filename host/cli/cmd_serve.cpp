// SPDX-License-Identifier: Apache-2.0
// `macf serve`: the long-running service (host/service.hpp) configured from a TOML file, the
// environment and flags, stopped gracefully by SIGINT or SIGTERM.

#include <spdlog/spdlog.h>

#include <atomic>
#include <csignal>

#include "commands.hpp"
#include "log_format.hpp"
#include "macf/host/service/service.hpp"

namespace macf::cli {
namespace {

struct ServeOptions {
    std::string config;
    std::string rpc;
    std::string ws;
    std::string listen;
    std::string mode;
    std::string log_format;
};

std::atomic<bool> g_stop{false};

void run_serve(const ServeOptions& o, bool level_from_flag) {
    host::ServiceConfig config;
    if (!o.config.empty()) config = host::load_service_config(o.config);
    const auto env = host::process_environment();
    host::apply_environment(config, env);
    if (!o.rpc.empty()) config.node.rpc = o.rpc;
    if (!o.ws.empty()) config.node.ws = o.ws;
    if (!o.listen.empty()) config.api.listen = o.listen;
    if (!o.mode.empty()) {
        const auto m = host::parse_mode(o.mode);
        if (!m)
            throw host::ConfigError("--mode: '" + o.mode +
                                    "' is not sequential, batch, parallel or ultra");
        config.engine.mode = *m;
    }
    if (!o.log_format.empty()) config.log.format = o.log_format;
    host::finalize_service_config(config, env);
    use_log_format(config.log.format);
    if (!level_from_flag) spdlog::set_level(spdlog::level::from_str(config.log.level));

    std::signal(SIGINT, [](int) { g_stop = true; });
    std::signal(SIGTERM, [](int) { g_stop = true; });
    spdlog::info("macf serve: {} factories, mode {}, execution {}",
                 config.discovery.factories.size(), host::mode_name(config.engine.mode),
                 config.execution.enabled ? "on" : "off");
    host::Service service(config);
    service.run(g_stop);
}

}  // namespace

void add_serve_command(CLI::App& app) {
    auto opt = std::make_shared<ServeOptions>();
    CLI::App* cmd = app.add_subcommand(
        "serve",
        "Run the service: discover and sync the configured factories' pools, then on every "
        "block apply its events, score the cycles through the changed pools, re-simulate, "
        "publish the top opportunities on the HTTP API and the /stream WebSocket, and execute "
        "when configured to. Configuration: the TOML file (docs/config/*.toml), then MACF_* "
        "environment variables, then these flags. SIGINT/SIGTERM stop it after the trade in "
        "flight.");
    cmd->add_option("--config", opt->config, "TOML configuration file")->check(CLI::ExistingFile);
    cmd->add_option("--rpc", opt->rpc, "JSON-RPC endpoint (overrides node.rpc and MACF_RPC_URL)");
    cmd->add_option("--ws", opt->ws, "WebSocket endpoint for newHeads (overrides node.ws)");
    cmd->add_option("--listen", opt->listen,
                    "API address HOST:PORT (overrides api.listen; default 127.0.0.1:8080)");
    cmd->add_option("--mode", opt->mode, "Scoring mode (overrides engine.mode)");
    cmd->add_option("--log-format", opt->log_format, "plain or json (overrides log.format)")
        ->check(CLI::IsMember({"plain", "json"}));
    cmd->callback([opt, &app] { run_serve(*opt, app.get_option("--log-level")->count() > 0); });
}

}  // namespace macf::cli
