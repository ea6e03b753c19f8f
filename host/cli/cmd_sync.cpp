// SPDX-License-Identifier: Apache-2.0
// `macf sync`: discover the pools of Uniswap V2/V3 factories on a chain, read their state, write
// a snapshot, and optionally follow the chain block by block (polling, reorg-aware).

#include <spdlog/spdlog.h>

#include <csignal>
#include <memory>
#include <thread>

#include "chain_endpoint.hpp"
#include "commands.hpp"
#include "macf/chain/rpc_client.hpp"
#include "macf/chain/url_redact.hpp"
#include "macf/chain/ws_subscription.hpp"
#include "macf/host/io/follower_checkpoint.hpp"
#include "macf/host/io/market_json.hpp"
#include "macf/host/sync/chain_sync.hpp"
#include "market_output.hpp"
#include "progress.hpp"

namespace macf::cli {
namespace {

struct SyncOptions {
    std::string rpc;
    std::string ws;
    std::string ca_file;
    std::string watch;
    std::string balancer_vault = "0xba12222222228d8ba445958a75a0704d566bf2c8";
    std::vector<std::string> v2_factories;
    std::vector<std::string> v3_factories;
    std::uint64_t from_block = 0;
    std::uint64_t log_chunk = 5000;
    unsigned journal_depth = 64;
    double follow_seconds = 0;
    unsigned poll_ms = 1000;
    unsigned timeout_ms = 10000;
    unsigned attempts = 5;
    std::string out = "-";
    std::string checkpoint;  ///< directory: resume from it when usable, write it when done
};

volatile std::sig_atomic_t g_stop = 0;

/// Writes the follower's market as a snapshot, leaving out V3 pools created but not yet
/// initialized (no price: the snapshot format requires one).
void write_snapshot(const host::Market& synced, const std::string& out) {
    host::Market m;
    m.chain_id = synced.chain_id;
    m.block = synced.block;
    m.tokens = synced.tokens;
    std::size_t skipped = 0;
    for (const auto& p : synced.pools) {
        const auto* v3 = std::get_if<host::UniswapV3State>(&p.state);
        if (v3 != nullptr && v3->sqrt_price_x96.is_zero()) {
            ++skipped;
            continue;
        }
        m.pools.push_back(p);
    }
    m.index();
    if (skipped != 0)
        spdlog::info("{} V3 pools not initialized yet are left out of the snapshot", skipped);
    write_market_output(m, out);
}

void run_sync(const SyncOptions& opt) {
    host::SyncConfig config;
    for (const auto& s : opt.v2_factories)
        config.factories.push_back(parse_factory(s, host::PoolKind::kUniswapV2));
    for (const auto& s : opt.v3_factories)
        config.factories.push_back(parse_factory(s, host::PoolKind::kUniswapV3));
    if (config.factories.empty() && opt.watch.empty()) {
        throw std::runtime_error("give at least one --v2-factory, --v3-factory or --watch");
    }
    if (!opt.watch.empty()) {
        config.watch = host::load_market(opt.watch);
        spdlog::info("watching the Curve and Balancer pools of {}", opt.watch);
    }
    const auto vault = chain::Address::parse(opt.balancer_vault);
    if (!vault)
        throw std::runtime_error("--balancer-vault '" + opt.balancer_vault + "': not an address");
    config.balancer_vault = *vault;
    config.from_block = opt.from_block;
    config.log_chunk = opt.log_chunk;
    config.journal_depth = opt.journal_depth;
    const auto rpc_options =
        chain::logged_rpc_options(std::chrono::milliseconds(opt.timeout_ms), opt.attempts);
    const chain::TlsOptions tls{opt.ca_file};
    chain::RpcClient rpc(chain::make_transport(opt.rpc, tls), rpc_options);
    config.chain_id = chain::parse_quantity_u64(rpc.call("eth_chainId").text);
    spdlog::info("connected to {} (chain id {})", chain::redact_url(opt.rpc), config.chain_id);
    host::ChainSync sync(rpc, config);
    const auto t0 = std::chrono::steady_clock::now();
    const bool resumed =
        !opt.checkpoint.empty() && host::resume_from_checkpoint(sync, opt.checkpoint).has_value();
    if (!resumed) {
        std::unique_ptr<Progress> bar;
        std::string current;
        sync.bootstrap(std::nullopt, [&](const std::string& what, std::uint64_t done,
                                         std::uint64_t total) {
            if (what != current) {
                bar = std::make_unique<Progress>(what);
                current = what;
                spdlog::info("{}: {} of {}", what, done, total);
            }
            bar->update(total == 0 ? 1.0 : static_cast<double>(done) / static_cast<double>(total));
        });
    }
    if (resumed) {
        // Catch up from the checkpoint's block by logs, as following does.
        const auto caught_up = sync.follow();
        spdlog::info("caught up {} blocks from the checkpoint to block {}", caught_up.size(),
                     sync.synced_block());
    }
    spdlog::info("{} at block {} in {:.2f} s: {} JSON-RPC calls, {} eth_calls",
                 resumed ? "warm start" : "cold start", sync.synced_block(),
                 std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(),
                 rpc.calls(), sync.eth_calls());
    if (!opt.checkpoint.empty()) (void)host::save_checkpoint(sync, opt.checkpoint);
    write_snapshot(sync.market(), opt.out);
    if (opt.follow_seconds <= 0) return;
    std::signal(SIGINT, [](int) { g_stop = 1; });
    std::signal(SIGTERM, [](int) { g_stop = 1; });
    const auto end = std::chrono::steady_clock::now() +
                     std::chrono::milliseconds(static_cast<long long>(opt.follow_seconds * 1000));
    std::uint64_t blocks = 0;
    // With --ws, newHeads notifications wake the follower; without it, or while the WebSocket
    // is down, it polls. Either way blocks are fetched by number from the last one applied, so
    // a reconnect fills the gap and nothing is applied twice.
    std::unique_ptr<chain::WsSubscription> ws;
    if (!opt.ws.empty()) {
        ws = std::make_unique<chain::WsSubscription>(opt.ws, rpc_options.timeout, tls);
    }
    auto next_ws_attempt = std::chrono::steady_clock::now();
    std::chrono::milliseconds ws_backoff{500};
    while (g_stop == 0 && std::chrono::steady_clock::now() < end) {
        if (ws && !ws->connected() && std::chrono::steady_clock::now() >= next_ws_attempt) {
            try {
                ws->connect();
                ws->subscribe("[\"newHeads\"]");
                spdlog::info("subscribed to newHeads on {}", chain::redact_url(opt.ws));
                ws_backoff = std::chrono::milliseconds(500);
            } catch (const std::exception& e) {
                spdlog::warn("WebSocket {}: {}; polling, retry in {} ms", chain::redact_url(opt.ws),
                             e.what(), ws_backoff.count());
                next_ws_attempt = std::chrono::steady_clock::now() + ws_backoff;
                ws_backoff = std::min(std::chrono::milliseconds(30000), ws_backoff * 2);
            }
        }
        try {
            for (const auto& r : sync.follow()) {
                ++blocks;
                spdlog::info(
                    "block {}: {} logs applied, {} pools changed, {} new, {} RPC calls ({} "
                    "eth_call){}",
                    r.number, r.logs, r.pools_changed, r.pools_created, r.rpc_calls, r.eth_calls,
                    r.rolled_back ? ", after rolling back " + std::to_string(r.rolled_back) +
                                        " blocks of a reorg"
                                  : "");
            }
        } catch (const host::ReorgTooDeep& e) {
            spdlog::error("{}; discovering and reading every pool again", e.what());
            try {
                sync.bootstrap();
            } catch (const std::exception& again) {
                spdlog::error("bootstrap failed: {} (retrying)", again.what());
            }
        } catch (const host::SyncError& e) {
            spdlog::error("{} (state kept at block {}; retrying)", e.what(), sync.synced_block());
        }
        if (ws && ws->connected()) {
            try {
                (void)ws->next(std::chrono::milliseconds(opt.poll_ms));
            } catch (const std::exception& e) {
                spdlog::warn("WebSocket {} lost: {}; polling until it reconnects",
                             chain::redact_url(opt.ws), e.what());
                ws->close();
            }
        } else {
            std::this_thread::sleep_for(std::chrono::milliseconds(opt.poll_ms));
        }
    }
    spdlog::info("followed {} blocks; at block {}", blocks, sync.synced_block());
    if (!opt.checkpoint.empty()) (void)host::save_checkpoint(sync, opt.checkpoint);
    write_snapshot(sync.market(), opt.out);
}

}  // namespace

void add_sync_command(CLI::App& app) {
    auto opt = std::make_shared<SyncOptions>();
    CLI::App* cmd = app.add_subcommand(
        "sync",
        "Discover the pools of Uniswap V2 (and fork) and V3 factories from their creation events, "
        "read their state in JSON-RPC batches, write a market snapshot, and with --follow-seconds "
        "follow the chain block by block from its events (no eth_call per pool), rolling back "
        "reorgs. https/wss endpoints verify the server's certificate and host name.");
    cmd->add_option("--rpc", opt->rpc,
                    "JSON-RPC endpoint: http://, https://, ws:// or wss://HOST[:PORT][/PATH]")
        ->required();
    cmd->add_option("--ca-file", opt->ca_file,
                    "PEM file of CAs to trust for https/wss (default: the system's trust store)");
    cmd->add_option("--ws", opt->ws,
                    "WebSocket endpoint (ws:// or wss://) whose newHeads wake the follower; "
                    "polling covers its outages");
    cmd->add_option("--v2-factory", opt->v2_factories,
                    "Uniswap V2 style factory: ADDRESS[:FEE_BPS[:LABEL]] (fee default 30)");
    cmd->add_option("--v3-factory", opt->v3_factories, "Uniswap V3 factory: ADDRESS[:LABEL]");
    cmd->add_option(
           "--watch", opt->watch,
           "A snapshot whose Curve and Balancer pools to follow too (their balances, A and "
           "fees are read again after each of their events)")
        ->check(CLI::ExistingFile);
    cmd->add_option("--balancer-vault", opt->balancer_vault, "The Balancer V2 Vault")
        ->capture_default_str();
    cmd->add_option("--from-block", opt->from_block,
                    "First block to look for pools in (the factories' deployment)")
        ->capture_default_str();
    cmd->add_option("--log-chunk", opt->log_chunk, "Blocks per eth_getLogs during discovery")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    cmd->add_option("--journal-depth", opt->journal_depth,
                    "Blocks of changes kept to roll back a reorg")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    cmd->add_option(
           "--follow-seconds", opt->follow_seconds,
           "After the snapshot, follow the chain this long (0: do not follow; Ctrl-C stops)")
        ->check(CLI::NonNegativeNumber)
        ->capture_default_str();
    cmd->add_option("--poll-ms", opt->poll_ms, "Polling interval while following")
        ->capture_default_str();
    cmd->add_option("--timeout-ms", opt->timeout_ms, "Timeout of each RPC attempt")
        ->capture_default_str();
    cmd->add_option("--attempts", opt->attempts,
                    "Tries per RPC call (retries back off 0.1 s to 5 s)")
        ->check(CLI::Range(1U, 20U))
        ->capture_default_str();
    cmd->add_option("-o,--out", opt->out,
                    "Snapshot file ('-': stdout), written after the sync and after following")
        ->capture_default_str();
    cmd->add_option("--checkpoint", opt->checkpoint,
                    "Directory of the follower's checkpoint: a warm start resumes from it (same "
                    "factories and chain, its block still canonical) and catches up by logs "
                    "instead of discovering and reading every pool; written after the sync and "
                    "after following (market.json in it is a snapshot)");
    cmd->callback([opt] { run_sync(*opt); });
}

}  // namespace macf::cli
