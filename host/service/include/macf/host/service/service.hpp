// SPDX-License-Identifier: Apache-2.0
#pragma once

// `macf serve`: the long-running service. It starts the API (health says "syncing"),
// discovers and reads the pools of the configured factories, then on every block applies the
// block's events, publishes the changed pools to the reserve cache, scores the cycles through
// them (or all cycles after the topology changed) in the configured mode, re-simulates the
// candidates exactly, keeps the top K, publishes them to the API and the WebSocket stream, and
// hands the best to the executor when execution is enabled and not paused.
//
// Faults: a node that fails the initial sync is retried with backoff (1 s doubling to 60 s)
// until it answers or the service is stopped; a reorg deeper than the journal or a node that
// now serves another chain withdraws the state (/pools and /opportunities answer 503) and
// re-syncs from scratch with the same backoff; following errors back off the same way. The
// API reads a published copy of the pools and opportunities, never the follower's state, so
// no request waits on the sync. Every JSON-RPC call of the follower is cancelled by the stop
// flag: the service stops within a fraction of a second in any phase except a trade in flight,
// which is followed to its outcome.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "macf/host/engine/engine.hpp"
#include "macf/host/search/opportunity.hpp"
#include "macf/host/service/api_server.hpp"
#include "macf/host/service/prometheus.hpp"
#include "macf/host/service/service_config.hpp"
#include "macf/host/sync/chain_sync.hpp"

namespace macf::host {

/// The service. Thread-safe towards its API; run() is called once.
class Service : public ApiBackend {
  public:
    explicit Service(ServiceConfig config);
    ~Service() override;
    Service(const Service&) = delete;
    Service& operator=(const Service&) = delete;

    /// Runs until `stop` is set (checked between blocks, during waits and inside every RPC
    /// call of the follower): API, sync, follow. An in-flight trade is followed to its outcome
    /// before it returns. Throws on what cannot go on (the API address in use, a malformed node
    /// URL, a bad executor or key); a node that fails is retried, not fatal.
    void run(const std::atomic<bool>& stop);

    /// The API's port once run() has started it (0 before).
    std::uint16_t api_port() const noexcept { return api_port_.load(); }

    // ApiBackend
    std::string health_json(bool& healthy) override;
    std::string metrics_text() override;
    std::string opportunities_json() override;
    std::optional<std::string> pool_json(const chain::Address& pool) override;
    std::optional<std::string> withdrawn_reason() override;
    void set_paused(bool paused) override;
    void set_min_profit(const dex::U256& wei) override;

    struct Runtime;

  private:
    using SteadyTime = std::chrono::steady_clock::time_point;

    // The steps of run(), in order.
    void connect_and_sync();  ///< node, chain id, initial sync (retried until it succeeds)
    void initial_sync();      ///< one attempt of the initial sync
    void start_execution(const std::atomic<bool>& stop);  ///< key, executor check, worker
    void rebuild_topology();                              ///< graph and cycles of the pools
    /// The latest block (nullopt when unreadable, the reason kept for /health); sets the gas
    /// price from its base fee.
    std::optional<std::uint64_t> read_head();
    /// After a reorg deeper than the journal: discovers and reads every pool again with a fresh
    /// follower, swapped in only when complete; on failure the next attempt backs off.
    void resync();
    /// Stops serving the chain state (pools, opportunities) until a re-sync completes.
    void withdraw_state(const std::string& reason);
    /// The JSON the API serves of `changed` pools (every pool when `all`).
    void publish_pools(const Market& m, const std::vector<std::uint32_t>& changed, bool all);
    /// What /health reports, measured now.
    struct Health {
        std::string status;     ///< "ok", "syncing", "resyncing", "node_unreachable", ...
        std::string reason;     ///< why not ok ("" when none)
        std::uint64_t lag = 0;  ///< blocks between the head and the synced block
        bool answered = false;  ///< the node has answered the head request at least once
        double silent_s = 0;    ///< seconds since its last answer (answered only)
        double head_age_s = 0;  ///< seconds since the head last advanced (answered only)
    };
    /// /health's figures and status; state_mutex_ held by the caller.
    Health health_now() const;
    /// What /health shows as the reason while the service is not healthy ("" clears it).
    void set_problem(const std::string& problem);
    /// Applies the new blocks and publishes the changed pools; false after a re-sync from
    /// scratch (a reorg deeper than the journal).
    bool follow_blocks(std::uint64_t head, std::vector<BlockReport>& reports,
                       std::vector<std::uint32_t>& dirty);
    void record_follow(std::uint64_t head, const std::vector<BlockReport>& reports);
    /// One scoring round of the block's changed pools (or all), published and queued.
    void score_round(const std::vector<std::uint32_t>& dirty, bool full, std::uint64_t block,
                     double block_seconds);
    /// The round's opportunities merged into the current ones, the top published; returns it.
    std::vector<Opportunity> publish_round(const Market& m, const Round& round,
                                           std::uint64_t block);
    void record_round_metrics(const Metrics& x, std::size_t published, double block_seconds,
                              double round_seconds);
    /// Hands `best` to the execution worker when it is new and execution is on.
    void queue_best(const Market& m, const Opportunity& best);
    void wait_for_next_block(const std::atomic<bool>& stop);  ///< newHeads or the poll interval
    /// After a failed read of the head or a failed block: waits poll_ms · 2^(failures − 1),
    /// at most 30 s.
    void back_off_after_failure(const std::atomic<bool>& stop);
    void shut_down();  ///< the trade in flight followed to its end, alerts flushed, API closed
    /// Writes the follower's checkpoint when one is configured and `now` or its interval passed.
    void maybe_checkpoint(bool now);
    void execution_worker(const std::atomic<bool>& stop);

    ServiceConfig config_;
    MetricsRegistry metrics_;
    std::unique_ptr<Runtime> runtime_;
    std::unique_ptr<ApiServer> api_;
    std::atomic<std::uint16_t> api_port_{0};

    const std::atomic<bool>* stop_ = nullptr;  ///< run()'s flag
    mutable std::shared_mutex market_mutex_;   ///< the follower writes, scoring reads
    mutable std::mutex state_mutex_;           ///< what the API shows
    bool synced_ = false;
    std::string problem_;        ///< why not healthy (initial sync or following failures)
    std::string withdrawn_;      ///< non-empty: the chain state is not served, and why
    SteadyTime last_answer_{};   ///< the node's last answer to the head request
    SteadyTime head_seen_at_{};  ///< when head_block_ last advanced
    std::uint64_t head_block_ = 0;
    std::uint64_t synced_block_ = 0;
    std::uint64_t published_block_ = 0;
    std::map<std::uint32_t, Opportunity> current_;  ///< by cycle id
    std::string opportunities_json_ = R"({"block":null,"opportunities":[]})";
    std::atomic<bool> paused_{false};
    mutable std::mutex pools_mutex_;  ///< the published pool JSON
    std::unordered_map<chain::Address, std::string, chain::AddressHash> pool_json_;
    std::size_t pools_published_ = 0;  ///< pools in the market when pool_json_ was written
    dex::U256 min_profit_;

    std::mutex work_mutex_;  ///< the execution worker's mailbox
    std::condition_variable work_ready_;
    std::optional<Opportunity> next_trade_;
    std::optional<std::pair<std::uint32_t, dex::U256>> last_queued_;  ///< cycle, input
    std::thread worker_;
};

}  // namespace macf::host
