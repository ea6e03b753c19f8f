// SPDX-License-Identifier: Apache-2.0
#pragma once

// The configuration of `macf serve`: a TOML file (docs/config/*.toml), then environment
// variables, then command-line flags, each overriding the one before. Anything invalid is
// refused at start with a message naming the file and the key ("engine.mode: ...").

#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "macf/chain/address.hpp"
#include "macf/dex/u256.hpp"
#include "macf/host/search/mode.hpp"
#include "macf/host/sync/chain_sync.hpp"

namespace macf::host {

/// A configuration that cannot be used; the message names the key.
class ConfigError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

/// [node]: where the chain is.
struct NodeConfig {
    std::string rpc;      ///< http(s):// or ws(s):// JSON-RPC endpoint (required)
    std::string ws;       ///< optional ws(s):// endpoint whose newHeads wake the follower
    std::string ca_file;  ///< PEM CAs for https/wss; empty: the system's store
    unsigned timeout_ms = 10000;
    unsigned attempts = 5;
    unsigned poll_ms = 1000;  ///< polling interval for new blocks
    /// Seconds without an answer from the node after which /health says node_unreachable (503).
    unsigned unreachable_after_s = 30;
    /// Seconds without a new head after which /health says stale (503); 0: never (chains
    /// that mine only on demand, like a test node).
    unsigned max_head_age_s = 0;
};

/// [discovery]: which pools to follow.
struct DiscoveryConfig {
    std::vector<FactoryConfig> factories;  ///< v2_factories and v3_factories
    std::uint64_t from_block = 0;
    std::uint64_t log_chunk = 5000;
    unsigned journal_depth = 64;
    /// Directory of the follower's checkpoint (empty: none): a start resumes from it when it is
    /// usable and catches up by logs; written every checkpoint_interval_s and at stop.
    std::string checkpoint_dir;
    unsigned checkpoint_interval_s = 60;
};

/// [engine]: scoring.
struct EngineConfig {
    Mode mode = Mode::kParallel;
    unsigned max_workers = 0;
    std::size_t batch_size = 4096;
    bool enable_cache = true;
    double cache_ttl_s = 5.0;
    std::vector<chain::Address> base_tokens;  ///< default: weth
    chain::Address weth;                      ///< the wrapped native token (gas pricing)
    unsigned max_hops = 3;
    dex::U256 min_profit_wei;   ///< of the base token, after gas
    double gas_price_gwei = 0;  ///< 0: the latest base fee + 1 gwei
    std::size_t top_k = 50;     ///< opportunities kept per block
    bool incremental = true;    ///< score only the cycles through pools changed in the block
};

/// [api]: the HTTP/WebSocket API.
struct ApiConfig {
    std::string listen = "127.0.0.1:8080";     ///< HOST:PORT (port 0: any free port)
    std::string token_env = "MACF_API_TOKEN";  ///< variable holding the bearer token
    std::string token;                         ///< read from token_env at start
    std::size_t max_body_bytes = 64 * 1024;
    double rate_limit_per_s = 100;  ///< requests per second per client address
    double burst = 200;             ///< bucket size of that limit
    /// Host names the API answers to besides IP literals and localhost (with or without a
    /// port): a request whose Host header names anything else is refused with 421, so a
    /// DNS-rebinding page cannot read the API through a browser.
    std::vector<std::string> allowed_hosts;
    /// Open connections (HTTP and /stream) served at once; one more is answered 503 and
    /// closed. Lowered at start to what the file-descriptor limit allows.
    std::size_t max_connections = 4096;
};

/// [execution]: what the service does with its opportunities.
struct ExecutionConfig {
    bool enabled = false;
    chain::Address executor;
    std::string key_file;
    std::string key_env;
    std::vector<std::string> flash_sources;  ///< "KIND:ADDRESS[:FEE]" as `macf execute`
    dex::U256 min_profit_wei;
    dex::U256 max_trade_wei;
    dex::U256 daily_cap_wei;
    unsigned max_in_flight = 1;
    unsigned breaker_failures = 3;
    unsigned breaker_window_s = 600;
    unsigned breaker_cool_down_s = 1800;
    double priority_fee_gwei = 1.0;
    unsigned gas_margin_pct = 20;      ///< gas limit = estimate × (100 + margin) / 100
    unsigned receipt_timeout_s = 120;  ///< how long a sent transaction is followed
    /// How long a stop waits for the trade in flight (its receipt) and the queued alerts, ms;
    /// past it the transaction is left pending on chain and its hash logged.
    unsigned stop_grace_ms = 1000;
    std::string relay;
    std::string webhook;
};

/// [log].
struct LogConfig {
    std::string level = "info";    ///< trace, debug, info, warn, error, off
    std::string format = "plain";  ///< plain or json
};

/// Everything.
struct ServiceConfig {
    NodeConfig node;
    DiscoveryConfig discovery;
    EngineConfig engine;
    ApiConfig api;
    ExecutionConfig execution;
    LogConfig log;
};

/// Parses TOML text (`source` names it in errors). Throws ConfigError for a syntax error
/// (with line and column), an unknown table or key, a value of the wrong type or range.
ServiceConfig parse_service_config(const std::string& toml_text, const std::string& source);

/// Reads and parses a file; ConfigError when it cannot be read.
ServiceConfig load_service_config(const std::string& path);

/// Reads one environment variable (std::nullopt when unset).
using EnvLookup = std::function<std::optional<std::string>(const std::string& name)>;

/// The process environment (getenv).
EnvLookup process_environment();

/// Applies the environment: MACF_RPC_URL (node.rpc), MACF_WS_URL (node.ws), MACF_LISTEN
/// (api.listen), MACF_MODE (engine.mode), MACF_LOG_LEVEL, MACF_LOG_FORMAT.
void apply_environment(ServiceConfig& config, const EnvLookup& env);

/// Final checks after all overrides: node.rpc set, weth set, execution complete when enabled,
/// the listen address well-formed; reads the API token from api.token_env. Throws ConfigError.
void finalize_service_config(ServiceConfig& config, const EnvLookup& env);

}  // namespace macf::host
