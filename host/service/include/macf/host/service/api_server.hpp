// SPDX-License-Identifier: Apache-2.0
#pragma once

// The service's HTTP and WebSocket API (Boost.Beast), bound to 127.0.0.1 by default:
//   GET  /health          200 when synced and following (503 with the reason otherwise:
//                         syncing, node_unreachable, stale, lagging, resyncing)
//   GET  /metrics         Prometheus text format
//   GET  /opportunities   the current top K, JSON (503 while the state is withdrawn)
//   GET  /pools/{address} one followed pool's state, JSON (404 when not followed, 503 while
//                         the state is withdrawn)
//   POST /control/pause   stop executing (bearer token)
//   POST /control/resume  execute again (bearer token)
//   PUT  /control/min-profit {"min_profit_wei":"N"} (bearer token)
//   GET  /stream          WebSocket: every block's opportunities as they are published
// Request bodies above the limit get 413, clients above their rate 429 (with Retry-After),
// anything malformed a 4xx with {"error": "..."}; nothing a client sends stops the server.
// At most api.max_connections connections are served at once (one more gets 503 and is
// closed); when the process runs out of file descriptors, accepting pauses for 100 ms at a
// time and says so once in the log.

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "macf/chain/address.hpp"
#include "macf/dex/u256.hpp"
#include "macf/host/service/service_config.hpp"

namespace macf::host {

/// What the API reads from and changes in the service. Called from the server's threads.
class ApiBackend {
  public:
    virtual ~ApiBackend() = default;
    /// The /health body; `healthy` false answers 503.
    virtual std::string health_json(bool& healthy) = 0;
    /// The /metrics body.
    virtual std::string metrics_text() = 0;
    /// The /opportunities body.
    virtual std::string opportunities_json() = 0;
    /// A followed pool as JSON, or std::nullopt.
    virtual std::optional<std::string> pool_json(const chain::Address& pool) = 0;
    /// Why the chain state is withdrawn (/opportunities and /pools answer 503 with it), or
    /// std::nullopt while it is served.
    virtual std::optional<std::string> withdrawn_reason() { return std::nullopt; }
    /// Pauses or resumes execution.
    virtual void set_paused(bool paused) = 0;
    /// Changes the minimum net profit (base-token wei).
    virtual void set_min_profit(const dex::U256& wei) = 0;
};

/// Request counts by outcome.
struct ApiCounters {
    std::uint64_t requests = 0;
    std::uint64_t client_errors = 0;        ///< 4xx
    std::uint64_t rate_limited = 0;         ///< 429
    std::uint64_t unauthorized = 0;         ///< 401 and 403
    std::uint64_t refused_connections = 0;  ///< over api.max_connections (503)
    std::uint64_t accept_failures = 0;      ///< accepts that failed (out of descriptors, …)
};

/// The server: listens from construction until destruction.
class ApiServer {
  public:
    /// Binds `config.listen` (throws std::runtime_error naming it when it cannot) and starts
    /// `threads` threads. `backend` must outlive the server.
    ApiServer(const ApiConfig& config, ApiBackend& backend, unsigned threads = 2);
    ~ApiServer();
    ApiServer(const ApiServer&) = delete;
    ApiServer& operator=(const ApiServer&) = delete;

    /// The bound port (useful with port 0).
    std::uint16_t port() const;
    /// Sends `message` to every /stream client (queued per client; a slow client whose queue
    /// passes 256 messages is disconnected).
    void broadcast(const std::string& message);
    /// Connected /stream clients.
    std::size_t stream_clients() const;
    /// Connections open now (HTTP and /stream).
    std::size_t open_connections() const;
    /// The connection cap in force (api.max_connections, lowered to what the descriptor limit
    /// allows).
    std::size_t max_connections() const;
    /// The counters.
    ApiCounters counters() const;

    struct Impl;

  private:
    std::unique_ptr<Impl> impl_;
};

/// True when a request's Host header `host` names this server: an IPv4 or bracketed IPv6
/// literal or "localhost" (each with an optional port), or one of `allowed` (a name with or
/// without a port, compared case-insensitively). Anything else is a name that could point at
/// this address by DNS rebinding, and is refused.
[[nodiscard]] bool api_host_allowed(std::string_view host, std::span<const std::string> allowed);

}  // namespace macf::host
