// SPDX-License-Identifier: Apache-2.0
#include "macf/host/service/service.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <mutex>
#include <sstream>

#include "macf/chain/bundle_relay.hpp"
#include "macf/chain/eth.hpp"
#include "macf/chain/flash_sources.hpp"
#include "macf/chain/signing_key.hpp"
#include "macf/chain/url_redact.hpp"
#include "macf/chain/ws_subscription.hpp"
#include "macf/dex/u256_text.hpp"
#include "macf/host/engine/engine.hpp"
#include "macf/host/exec/execution_stack.hpp"
#include "macf/host/exec/trade_executor.hpp"
#include "macf/host/io/follower_checkpoint.hpp"
#include "macf/host/io/json_text.hpp"
#include "macf/host/io/market_json.hpp"
#include "macf/host/io/opportunity_json.hpp"
#include "macf/host/state/reserve_cache.hpp"
#include "macf/host/sync/chain_sync.hpp"

namespace macf::host {

using dex::U256;
using Clock = std::chrono::steady_clock;

namespace {

constexpr std::chrono::milliseconds kFirstRetry{1000};  ///< initial sync and re-sync
constexpr std::chrono::milliseconds kLongestRetry{60000};
constexpr std::chrono::milliseconds kLongestFollowWait{30000};

double seconds_since(Clock::time_point t) {
    return std::chrono::duration<double>(Clock::now() - t).count();
}

std::string seconds_text(std::chrono::milliseconds wait) {
    std::ostringstream o;
    o << static_cast<double>(wait.count()) / 1000.0 << " s";
    return o.str();
}

/// Sleeps up to `total`, waking early when `stop` is set.
void wait_or_stop(const std::atomic<bool>& stop, std::chrono::milliseconds total) {
    const auto end = Clock::now() + total;
    while (!stop.load() && Clock::now() < end)
        std::this_thread::sleep_for(std::min<std::chrono::milliseconds>(
            std::chrono::milliseconds(20),
            std::chrono::duration_cast<std::chrono::milliseconds>(end - Clock::now()) +
                std::chrono::milliseconds(1)));
}

}  // namespace

/// Everything the run loop owns.
struct Service::Runtime {
    std::unique_ptr<chain::RpcClient> rpc;
    std::unique_ptr<ChainSync> sync;
    std::unique_ptr<ReserveCache> cache;
    std::unique_ptr<Engine> engine;  ///< built with the first topology
    std::uint64_t chain_id = 0;
    SyncConfig sync_config;
    chain::TlsOptions tls;
    chain::RpcOptions rpc_options;
    // Execution (when enabled).
    std::unique_ptr<chain::RpcClient> exec_rpc;  ///< the worker's own connection
    std::unique_ptr<ExecutionStack> execution;
    /// The worker's calls are cancelled only once a stop's grace has passed (not at the stop:
    /// the trade in flight is followed meanwhile).
    std::atomic<bool> trade_cancel{false};
    std::atomic<bool> worker_done{false};  ///< the worker has returned
    // Following.
    bool topology_changed = true;  ///< the next round scores every cycle
    bool resync_needed = false;    ///< the state is withdrawn until a re-sync
    std::chrono::milliseconds resync_wait = kFirstRetry;
    Clock::time_point next_resync = Clock::now();
    unsigned follow_failures = 0;                      ///< consecutive failed heads or blocks
    Clock::time_point last_checkpoint = Clock::now();  ///< when the checkpoint was written
    std::unique_ptr<chain::WsSubscription> heads;      ///< newHeads, when a WebSocket is configured
    Clock::time_point next_ws_attempt = Clock::now();
    std::uint64_t announced = 0;  ///< the last head newHeads announced
    Clock::time_point announced_until = Clock::now();
    Market trade_market;  ///< copy of the market the queued trade was sized on
};

Service::Service(ServiceConfig config)
    : config_(std::move(config)),
      runtime_(std::make_unique<Runtime>()),
      min_profit_(config_.engine.min_profit_wei) {}

Service::~Service() {
    {
        std::lock_guard lock(work_mutex_);
        next_trade_.reset();
    }
    work_ready_.notify_all();
    if (worker_.joinable()) worker_.join();
}

Service::Health Service::health_now() const {
    Health h;
    h.lag = head_block_ > synced_block_ ? head_block_ - synced_block_ : 0;
    h.answered = last_answer_ != SteadyTime{};
    h.silent_s = h.answered ? seconds_since(last_answer_) : 0;
    h.head_age_s = h.answered ? seconds_since(head_seen_at_) : 0;
    // The first that applies: not synced yet, state withdrawn, node silent, head stale, lag.
    h.reason = problem_;
    h.status = "ok";
    if (!synced_) {
        h.status = "syncing";
    } else if (!withdrawn_.empty()) {
        h.status = "resyncing";
        h.reason = withdrawn_;
    } else if (h.silent_s > config_.node.unreachable_after_s) {
        h.status = "node_unreachable";
        h.reason = "no answer from the node for " +
                   std::to_string(static_cast<long long>(h.silent_s)) + " s" +
                   (problem_.empty() ? "" : ": " + problem_);
    } else if (config_.node.max_head_age_s != 0 && h.head_age_s > config_.node.max_head_age_s) {
        h.status = "stale";
        h.reason =
            "no new block for " + std::to_string(static_cast<long long>(h.head_age_s)) + " s";
    } else if (h.lag > 2) {
        h.status = "lagging";
        h.reason = std::to_string(h.lag) + " blocks behind the head";
    }
    return h;
}

std::string Service::health_json(bool& healthy) {
    std::lock_guard lock(state_mutex_);
    const Health h = health_now();
    healthy = h.status == "ok";
    std::ostringstream o;
    o.setf(std::ios::fixed);
    o.precision(1);
    o << "{\"status\":\"" << h.status
      << "\",\"reason\":" << (h.reason.empty() ? "null" : json_quote(h.reason))
      << ",\"synced\":" << (synced_ ? "true" : "false") << ",\"head_block\":" << head_block_
      << ",\"synced_block\":" << synced_block_ << ",\"lag_blocks\":" << h.lag
      << ",\"node_silent_s\":";
    if (h.answered) {
        o << h.silent_s;
    } else {
        o << "null";
    }
    o << ",\"head_age_s\":";
    if (h.answered) {
        o << h.head_age_s;
    } else {
        o << "null";
    }
    o << ",\"published_block\":" << published_block_ << ",\"mode\":\""
      << mode_name(config_.engine.mode) << "\",\"execution\":\""
      << (!config_.execution.enabled ? "off"
          : paused_.load()           ? "paused"
                                     : "on")
      << "\"}";
    return o.str();
}

std::string Service::metrics_text() {
    // Live values, measured when scraped (a hung node stops every event that would set them).
    {
        std::lock_guard lock(state_mutex_);
        const Health h = health_now();
        metrics_.gauge("macf_healthy", "1 while /health answers 200").set(h.status == "ok" ? 1 : 0);
        if (h.answered)
            metrics_
                .gauge("macf_node_silent_seconds",
                       "Seconds since the node last answered the head request")
                .set(h.silent_s);
    }
    return metrics_.render();
}

std::string Service::opportunities_json() {
    std::lock_guard lock(state_mutex_);
    return opportunities_json_;
}

std::optional<std::string> Service::pool_json(const chain::Address& pool) {
    std::lock_guard lock(pools_mutex_);
    const auto it = pool_json_.find(pool);
    if (it == pool_json_.end()) return std::nullopt;
    return it->second;
}

std::optional<std::string> Service::withdrawn_reason() {
    std::lock_guard lock(state_mutex_);
    if (withdrawn_.empty()) return std::nullopt;
    return withdrawn_;
}

void Service::publish_pools(const Market& m, const std::vector<std::uint32_t>& changed, bool all) {
    // Pools dropped by a roll-back leave the market shorter: everything is written again.
    if (m.pools.size() < pools_published_) all = true;
    std::vector<std::pair<chain::Address, std::string>> written;
    const auto write = [&](std::uint32_t p) {
        std::ostringstream o;
        write_pool(m, m.pools[p], o);
        written.emplace_back(m.pools[p].address, o.str());
    };
    if (all) {
        for (std::uint32_t p = 0; p < m.pools.size(); ++p) write(p);
    } else {
        for (const auto p : changed)
            if (p < m.pools.size()) write(p);
    }
    std::lock_guard lock(pools_mutex_);
    if (all) pool_json_.clear();
    for (auto& [address, json] : written) pool_json_[address] = std::move(json);
    pools_published_ = m.pools.size();
}

void Service::withdraw_state(const std::string& reason) {
    {
        std::lock_guard lock(state_mutex_);
        withdrawn_ = reason;
        current_.clear();
        opportunities_json_ = R"({"block":null,"opportunities":[]})";
    }
    {
        std::lock_guard lock(pools_mutex_);
        pool_json_.clear();
        pools_published_ = 0;
    }
    {
        std::lock_guard lock(work_mutex_);
        next_trade_.reset();  // sized on a state that no longer holds
    }
    metrics_.gauge("macf_state_withdrawn", "1 while the chain state is withdrawn (re-syncing)")
        .set(1);
}

void Service::set_problem(const std::string& problem) {
    std::lock_guard lock(state_mutex_);
    problem_ = problem;
}

void Service::set_paused(bool paused) {
    paused_ = paused;
    metrics_.gauge("macf_execution_paused", "1 while execution is paused through the API")
        .set(paused ? 1 : 0);
}

void Service::set_min_profit(const U256& wei) {
    std::lock_guard lock(state_mutex_);
    min_profit_ = wei;
}

void Service::score_round(const std::vector<std::uint32_t>& dirty, bool full, std::uint64_t block,
                          double block_seconds) {
    Runtime& e = *runtime_;
    const auto started = Clock::now();
    std::shared_lock market_lock(market_mutex_);
    const Market& m = e.sync->market();
    {
        std::lock_guard lock(state_mutex_);
        e.engine->settings().min_profit = min_profit_;
    }
    ReserveCache* cache = config_.engine.enable_cache ? e.cache.get() : nullptr;
    const Round round =
        full ? e.engine->score_all(m, cache) : e.engine->score_changed(m, dirty, cache);
    const std::vector<Opportunity> top = publish_round(m, round, block);
    record_round_metrics(round.scan.metrics, top.size(), block_seconds, seconds_since(started));
    spdlog::info(
        "block {}: {} {} cycles scored ({} pools changed), {} opportunities found, {} "
        "published, {:.2f} ms",
        block, round.full ? "all" : "incremental:", round.cycles_scored, dirty.size(),
        round.scan.opportunities.size(), top.size(),
        1e3 * (block_seconds + seconds_since(started)));
    if (!top.empty()) queue_best(m, top.front());
}

std::vector<Opportunity> Service::publish_round(const Market& m, const Round& round,
                                                std::uint64_t block) {
    // The cycles scored lose their old entry; what was found replaces it.
    std::vector<Opportunity> top;
    std::string json;
    {
        std::lock_guard lock(state_mutex_);
        if (round.full) {
            current_.clear();
        } else {
            for (const auto c : round.scored) current_.erase(c);
        }
        for (const auto& o : round.scan.opportunities) current_[o.cycle] = o;
        for (const auto& [c, o] : current_) top.push_back(o);
        std::sort(top.begin(), top.end(), ranks_before);
        if (top.size() > config_.engine.top_k) top.resize(config_.engine.top_k);
        std::ostringstream out;
        out << "{\"block\":" << block << ",\"opportunities\":[";
        for (std::size_t i = 0; i < top.size(); ++i)
            out << (i ? "," : "") << opportunity_json(m, top[i]);
        out << "]}";
        json = out.str();
        opportunities_json_ = json;
        published_block_ = block;
    }
    if (api_) api_->broadcast(json);
    return top;
}

void Service::record_round_metrics(const Metrics& x, std::size_t published, double block_seconds,
                                   double round_seconds) {
    metrics_.counter("macf_opportunities_processed_total", "Cycles scored (MACF metric)")
        .add(static_cast<double>(x.opportunities_processed));
    metrics_.counter("macf_batch_count_total", "Batches run (MACF metric)")
        .add(static_cast<double>(x.batch_count));
    metrics_.counter("macf_parallel_executions_total", "Tasks run on the thread pool (MACF metric)")
        .add(static_cast<double>(x.parallel_executions));
    metrics_.counter("macf_cache_hits_total", "Reserve cache hits")
        .add(static_cast<double>(x.cache_hits));
    metrics_.counter("macf_cache_misses_total", "Reserve cache misses")
        .add(static_cast<double>(x.cache_misses));
    const auto stats = runtime_->cache->stats();
    metrics_
        .gauge("macf_cache_hit_rate", "Reserve cache hit rate since start, percent (MACF metric)")
        .set(stats.hit_rate());
    metrics_.gauge("macf_cycles_per_second", "Cycles scored per second in the last round")
        .set(x.cycles_per_second);
    metrics_
        .counter("macf_opportunities_found_total", "Opportunities confirmed by exact re-simulation")
        .add(static_cast<double>(x.opportunities_found));
    metrics_
        .counter("macf_sizing_evaluations_total",
                 "Exact cycle evaluations made by the sizing searches")
        .add(static_cast<double>(x.sizing_evaluations));
    metrics_
        .counter("macf_sizing_proven_total",
                 "Opportunities whose input is the proven integer optimum (Uniswap V2 cycles)")
        .add(static_cast<double>(x.sizing_proven));
    metrics_.gauge("macf_opportunities_current", "Opportunities published for the last block")
        .set(static_cast<double>(published));
    metrics_.histogram("macf_total_time_seconds", "A scoring round's total time (MACF metric)")
        .observe(x.total_time);
    const char* stage = "macf_stage_seconds";
    const char* stage_help = "Time of each stage of a block's processing";
    metrics_.histogram(stage, stage_help, "stage=\"apply_block\"").observe(block_seconds);
    metrics_.histogram(stage, stage_help, "stage=\"score\"").observe(x.stages.score);
    metrics_.histogram(stage, stage_help, "stage=\"resimulate\"").observe(x.stages.resimulate);
    metrics_.histogram(stage, stage_help, "stage=\"select\"").observe(x.stages.select);
    metrics_.histogram(stage, stage_help, "stage=\"load_states\"").observe(x.stages.load_states);
    metrics_.histogram(stage, stage_help, "stage=\"round\"").observe(round_seconds);
    metrics_
        .histogram("macf_block_to_publish_seconds",
                   "From starting to apply a block to its opportunities published")
        .observe(block_seconds + round_seconds);
}

void Service::queue_best(const Market& m, const Opportunity& best) {
    // The best one goes to the executor (the worker drops any older one it has not taken).
    // The market is copied for the worker only when the best opportunity is a new one (another
    // cycle or another input), not on every block.
    if (!config_.execution.enabled || paused_.load()) return;
    std::lock_guard lock(work_mutex_);
    if (!last_queued_ || last_queued_->first != best.cycle || last_queued_->second != best.input) {
        next_trade_ = best;
        runtime_->trade_market = m;
        last_queued_ = std::make_pair(best.cycle, best.input);
        work_ready_.notify_one();
    }
}

void Service::execution_worker(const std::atomic<bool>& stop) {
    Runtime& e = *runtime_;
    for (;;) {
        Opportunity opp;
        Market market;
        {
            std::unique_lock lock(work_mutex_);
            work_ready_.wait_for(lock, std::chrono::milliseconds(100),
                                 [&] { return next_trade_.has_value() || stop.load(); });
            if (stop.load()) return;
            if (!next_trade_) continue;
            opp = *next_trade_;
            next_trade_.reset();
            market = e.trade_market;
        }
        if (paused_.load()) continue;
        try {
            std::vector<chain::FlashSource> sources;
            const auto base = market.tokens[opp.base_token].address;
            for (const auto& spec : config_.execution.flash_sources)
                sources.push_back(chain::read_flash_source(*e.exec_rpc, spec, base));
            const auto gas = gas_price_in(market, e.engine->settings().costs, opp.base_token);
            const auto out = e.execution->executor().execute(market, opp, sources, gas,
                                                             e.execution->relay_sender());
            metrics_
                .counter("macf_trades_total", "Trades by outcome",
                         std::string("status=\"") + to_string(out.status) + "\"")
                .add();
            if (out.status == TradeStatus::kExecuted)
                metrics_.counter("macf_opportunities_executed_total", "Opportunities executed")
                    .add();
        } catch (const chain::Cancelled&) {
            spdlog::warn("executor: stopping; the trade was abandoned before it was sent");
            metrics_.counter("macf_trades_total", "Trades by outcome", "status=\"not_sent\"").add();
        } catch (const std::exception& ex) {
            spdlog::error("executor: {}", ex.what());
            metrics_.counter("macf_trades_total", "Trades by outcome", "status=\"error\"").add();
        }
    }
}

void Service::connect_and_sync() {
    Runtime& e = *runtime_;
    e.rpc_options = chain::logged_rpc_options(std::chrono::milliseconds(config_.node.timeout_ms),
                                              config_.node.attempts);
    e.rpc_options.cancel = stop_;
    e.tls = chain::TlsOptions{config_.node.ca_file};
    e.rpc = std::make_unique<chain::RpcClient>(chain::make_transport(config_.node.rpc, e.tls),
                                               e.rpc_options);
    e.sync_config.factories = config_.discovery.factories;
    e.sync_config.from_block = config_.discovery.from_block;
    e.sync_config.log_chunk = config_.discovery.log_chunk;
    e.sync_config.journal_depth = config_.discovery.journal_depth;
    e.cache = std::make_unique<ReserveCache>(
        std::chrono::milliseconds(static_cast<long long>(config_.engine.cache_ttl_s * 1000)));
    for (auto wait = kFirstRetry;; wait = std::min(kLongestRetry, wait * 2)) {
        try {
            initial_sync();
            set_problem("");
            return;
        } catch (const chain::Cancelled&) {
            throw;
        } catch (const std::exception& ex) {
            const std::string why = std::string("initial sync failed: ") + ex.what();
            spdlog::error("{}; retrying in {}", why, seconds_text(wait));
            set_problem(why);
            metrics_.counter("macf_sync_failures_total", "Initial syncs and re-syncs that failed")
                .add();
        }
        wait_or_stop(*stop_, wait);
        if (stop_->load()) throw chain::Cancelled("stopped during the initial sync");
    }
}

void Service::initial_sync() {
    Runtime& e = *runtime_;
    e.chain_id = chain::parse_quantity_u64(e.rpc->call("eth_chainId").text);
    spdlog::info("connected to {} (chain id {})", chain::redact_url(config_.node.rpc), e.chain_id);
    e.sync_config.chain_id = e.chain_id;
    auto sync = std::make_unique<ChainSync>(*e.rpc, e.sync_config);
    std::string current;
    const auto t0 = Clock::now();
    const std::uint64_t calls_before = e.rpc->calls();
    std::optional<std::uint64_t> block;
    if (!config_.discovery.checkpoint_dir.empty())
        block = resume_from_checkpoint(*sync, config_.discovery.checkpoint_dir);
    const bool warm = block.has_value();
    if (!warm)
        block = sync->bootstrap(
            std::nullopt, [&](const std::string& what, std::uint64_t done, std::uint64_t total) {
                if (what != current) {
                    current = what;
                    spdlog::info("sync: {} ({} of {})", what, done, total);
                }
            });
    spdlog::info("{} {} pools at block {} in {:.1f} s ({} JSON-RPC calls)",
                 warm ? "resumed" : "synced", sync->market().pools.size(), *block,
                 seconds_since(t0), e.rpc->calls() - calls_before);
    metrics_
        .counter("macf_starts_total", "Initial syncs by kind",
                 warm ? "start=\"warm\"" : "start=\"cold\"")
        .add();
    // After a cold start the first block followed writes a checkpoint at once (a crash in the
    // first interval would otherwise mean another cold start).
    e.last_checkpoint = warm ? Clock::now() : Clock::time_point{};
    std::unique_lock lock(market_mutex_);
    e.sync = std::move(sync);
}

void Service::start_execution(const std::atomic<bool>& stop) {
    Runtime& e = *runtime_;
    const auto& x = config_.execution;
    auto key =
        x.key_file.empty() ? chain::load_key_env(x.key_env) : chain::load_key_file(x.key_file);
    chain::RpcOptions exec_options = e.rpc_options;
    exec_options.cancel = &e.trade_cancel;
    e.exec_rpc = std::make_unique<chain::RpcClient>(chain::make_transport(config_.node.rpc, e.tls),
                                                    exec_options);
    chain::check_executor(*e.rpc, x.executor, key.address(), e.chain_id);  // cancellable
    ExecutionSettings es;
    es.executor = x.executor;
    es.chain_id = e.chain_id;
    es.priority_fee_gwei = x.priority_fee_gwei;
    es.gas_margin_pct = x.gas_margin_pct;
    es.receipt_timeout_s = x.receipt_timeout_s;
    es.limits.max_trade_wei = x.max_trade_wei;
    es.limits.daily_cap_wei = x.daily_cap_wei;
    es.limits.max_in_flight = x.max_in_flight;
    es.limits.breaker_failures = x.breaker_failures;
    es.limits.breaker_window = std::chrono::seconds(x.breaker_window_s);
    es.limits.breaker_cool_down = std::chrono::seconds(x.breaker_cool_down_s);
    es.trade.min_net_profit = x.min_profit_wei;
    es.trade.stopping = &stop;  // nothing is sent once stopping
    es.relay = x.relay;
    es.webhook = x.webhook;
    e.execution = std::make_unique<ExecutionStack>(*e.exec_rpc, std::move(key), es);
    worker_ = std::thread([this, &stop] {
        execution_worker(stop);
        runtime_->worker_done = true;
    });
    spdlog::info("execution on: executor {} owned by {}", x.executor.to_hex(),
                 e.execution->owner().to_hex());
}

void Service::rebuild_topology() {
    Runtime& e = *runtime_;
    std::shared_lock lock(market_mutex_);
    const Market& m = e.sync->market();
    TopologySettings ts;
    ts.max_hops = config_.engine.max_hops;
    const auto weth = m.find_token(config_.engine.weth);
    if (weth)
        for (const auto& b : config_.engine.base_tokens)
            if (const auto t = m.find_token(b)) ts.base_tokens.push_back(*t);
    auto topology = build_topology(m, ts);
    if (!e.engine) {
        CoordinatorConfig cc;
        cc.mode = config_.engine.mode;
        cc.max_workers = config_.engine.max_workers;
        cc.batch_size = config_.engine.batch_size;
        cc.enable_cache = config_.engine.enable_cache;
        e.engine = std::make_unique<Engine>(std::move(topology), cc, RoundSettings{});
    } else {
        e.engine->set_topology(std::move(topology));
    }
    if (weth) e.engine->settings().costs.native_token = *weth;
    const Topology& t = e.engine->topology();
    metrics_.gauge("macf_pools", "Pools followed").set(static_cast<double>(m.pools.size()));
    metrics_.gauge("macf_cycles", "Cycles scored per full round")
        .set(static_cast<double>(t.cycles.size()));
    if (t.base_tokens.empty())
        spdlog::warn("the base tokens or WETH are in no followed pool yet: nothing to score");
    else
        spdlog::info("graph: {} pools, {} cycles from {} base tokens", m.pools.size(),
                     t.cycles.size(), t.base_tokens.size());
}

std::optional<std::uint64_t> Service::read_head() {
    Runtime& e = *runtime_;
    try {
        const chain::HeadBlock latest =
            chain::parse_head_block(e.rpc->call("eth_getBlockByNumber", R"(["latest",false])"));
        const std::uint64_t head = latest.number;
        {
            std::lock_guard lock(state_mutex_);
            last_answer_ = Clock::now();
            if (head > head_block_ || head_seen_at_ == SteadyTime{}) head_seen_at_ = last_answer_;
        }
        // Gas price of the scoring: configured, or the latest base fee + 1 gwei.
        CostModel& costs = e.engine->settings().costs;
        if (config_.engine.gas_price_gwei > 0) {
            costs.gas_price_wei = static_cast<std::uint64_t>(config_.engine.gas_price_gwei * 1e9);
        } else if (latest.base_fee_per_gas) {
            // Saturated: a base fee of 2^63 wei a gas or more (a hostile node) prices every
            // trade out rather than wrapping to a small price.
            const U256& fee = *latest.base_fee_per_gas;
            costs.gas_price_wei = fee.fits_bits(63) ? fee.w[0] + 1000000000ULL : ~0ULL;
        }
        return head;
    } catch (const chain::Cancelled&) {
        throw;
    } catch (const std::exception& ex) {
        spdlog::warn("reading the latest block: {}", ex.what());
        set_problem(std::string("reading the latest block: ") + ex.what());
        return std::nullopt;
    }
}

void Service::resync() {
    Runtime& e = *runtime_;
    wait_or_stop(*stop_, std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::max(Clock::duration::zero(), e.next_resync - Clock::now())));
    if (stop_->load()) return;
    try {
        const std::uint64_t id = chain::parse_quantity_u64(e.rpc->call("eth_chainId").text);
        if (id != e.chain_id)
            throw SyncError("the node now serves chain id " + std::to_string(id) + ", not " +
                            std::to_string(e.chain_id));
        auto fresh = std::make_unique<ChainSync>(*e.rpc, e.sync_config);
        const auto t0 = Clock::now();
        const std::uint64_t block = fresh->bootstrap();
        {
            std::unique_lock lock(market_mutex_);
            e.sync = std::move(fresh);
        }
        rebuild_topology();
        e.topology_changed = true;
        e.resync_needed = false;
        e.resync_wait = kFirstRetry;
        {
            std::lock_guard lock(state_mutex_);
            withdrawn_.clear();
            synced_block_ = block;
        }
        metrics_.gauge("macf_state_withdrawn", "1 while the chain state is withdrawn (re-syncing)")
            .set(0);
        spdlog::info("re-synced {} pools at block {} in {:.1f} s", e.sync->market().pools.size(),
                     block, seconds_since(t0));
    } catch (const chain::Cancelled&) {
        throw;
    } catch (const std::exception& ex) {
        spdlog::error("re-sync failed: {}; next attempt in {}", ex.what(),
                      seconds_text(e.resync_wait));
        metrics_.counter("macf_sync_failures_total", "Initial syncs and re-syncs that failed")
            .add();
        withdraw_state(std::string("re-syncing (") + ex.what() + ")");
        e.next_resync = Clock::now() + e.resync_wait;
        e.resync_wait = std::min(kLongestRetry, e.resync_wait * 2);
    }
}

bool Service::follow_blocks(std::uint64_t head, std::vector<BlockReport>& reports,
                            std::vector<std::uint32_t>& dirty) {
    Runtime& e = *runtime_;
    spdlog::debug("following from block {} (head {})", e.sync->synced_block(), head);
    try {
        std::unique_lock lock(market_mutex_);
        reports = e.sync->follow();
        e.sync->publish(*e.cache, &dirty);
        publish_pools(e.sync->market(), dirty, false);
        e.follow_failures = 0;
        set_problem("");
    } catch (const ReorgTooDeep& ex) {
        spdlog::error("{}; withdrawing the state and discovering every pool again", ex.what());
        withdraw_state(std::string("re-syncing (") + ex.what() + ")");
        e.resync_needed = true;
        e.next_resync = Clock::now();
        e.resync_wait = kFirstRetry;
        return false;
    } catch (const chain::Cancelled&) {
        throw;
    } catch (const std::exception& ex) {
        ++e.follow_failures;
        spdlog::error("following: {} (state kept at block {}; retrying)", ex.what(),
                      e.sync->synced_block());
        set_problem(std::string("following: ") + ex.what());
        return false;
    }
    return true;
}

void Service::record_follow(std::uint64_t head, const std::vector<BlockReport>& reports) {
    Runtime& e = *runtime_;
    {
        std::lock_guard lock(state_mutex_);
        synced_ = true;
        head_block_ = std::max(head, e.sync->synced_block());
        synced_block_ = e.sync->synced_block();
        metrics_.gauge("macf_head_block", "The chain's latest block")
            .set(static_cast<double>(head_block_));
        metrics_.gauge("macf_synced_block", "The last block applied")
            .set(static_cast<double>(synced_block_));
        metrics_.gauge("macf_block_lag", "Blocks between the head and the last applied")
            .set(static_cast<double>(head_block_ - synced_block_));
    }
    for (const auto& r : reports) {
        metrics_.counter("macf_blocks_total", "Blocks applied").add();
        metrics_.counter("macf_logs_applied_total", "Logs of followed pools applied")
            .add(static_cast<double>(r.logs));
        metrics_.counter("macf_rpc_calls_total", "JSON-RPC calls made for blocks")
            .add(static_cast<double>(r.rpc_calls));
        metrics_.gauge("macf_rpc_calls_per_block", "JSON-RPC calls of the last block")
            .set(static_cast<double>(r.rpc_calls));
        metrics_.counter("macf_eth_calls_total", "eth_call made for blocks")
            .add(static_cast<double>(r.eth_calls));
        if (r.rolled_back != 0)
            metrics_.counter("macf_reorg_blocks_rolled_back_total", "Blocks rolled back by reorgs")
                .add(r.rolled_back);
        if (r.pools_created != 0) e.topology_changed = true;
    }
}

void Service::wait_for_next_block(const std::atomic<bool>& stop) {
    Runtime& e = *runtime_;
    if (e.heads) {
        if (!e.heads->connected() && Clock::now() >= e.next_ws_attempt) {
            try {
                e.heads->connect();
                e.heads->subscribe(R"(["newHeads"])");
                spdlog::info("subscribed to newHeads on {}", chain::redact_url(config_.node.ws));
            } catch (const chain::Cancelled&) {
                return;  // stopping
            } catch (const std::exception& ex) {
                spdlog::warn("WebSocket {}: {}; polling", chain::redact_url(config_.node.ws),
                             ex.what());
                e.next_ws_attempt = Clock::now() + std::chrono::seconds(5);
            }
        }
        // A head announced but not yet served by "latest" (some nodes announce first): look
        // again shortly instead of waiting for the next announcement.
        if (e.announced > e.sync->synced_block() && Clock::now() < e.announced_until) {
            wait_or_stop(stop, std::chrono::milliseconds(5));
            return;
        }
        if (e.heads->connected()) {
            try {
                if (const auto n = e.heads->next(std::chrono::milliseconds(config_.node.poll_ms))) {
                    if (const auto* number = n->result.find("number")) {
                        e.announced = chain::parse_quantity_u64(number->text);
                        spdlog::debug("newHeads: block {}", e.announced);
                        e.announced_until =
                            Clock::now() + std::chrono::milliseconds(config_.node.poll_ms);
                    }
                }
                return;
            } catch (const chain::Cancelled&) {
                return;  // stopping
            } catch (const std::exception& ex) {
                spdlog::warn("WebSocket {} lost: {}", chain::redact_url(config_.node.ws),
                             ex.what());
                e.heads->close();
            }
        }
    }
    wait_or_stop(stop, std::chrono::milliseconds(config_.node.poll_ms));
}

void Service::back_off_after_failure(const std::atomic<bool>& stop) {
    Runtime& e = *runtime_;
    const unsigned doublings = std::min(e.follow_failures > 0 ? e.follow_failures - 1 : 0U, 16U);
    const auto wait = std::min(kLongestFollowWait,
                               std::chrono::milliseconds(config_.node.poll_ms) * (1U << doublings));
    wait_or_stop(stop, wait);
}

void Service::maybe_checkpoint(bool now) {
    Runtime& e = *runtime_;
    if (config_.discovery.checkpoint_dir.empty() || !e.sync || e.resync_needed) return;
    if (!now && Clock::now() - e.last_checkpoint <
                    std::chrono::seconds(config_.discovery.checkpoint_interval_s))
        return;
    e.last_checkpoint = Clock::now();
    std::shared_lock lock(market_mutex_);
    if (save_checkpoint(*e.sync, config_.discovery.checkpoint_dir))
        metrics_.counter("macf_checkpoints_written_total", "Follower checkpoints written").add();
}

void Service::shut_down() {
    Runtime& e = *runtime_;
    maybe_checkpoint(true);
    {
        std::lock_guard lock(work_mutex_);
        next_trade_.reset();
    }
    work_ready_.notify_all();
    if (worker_.joinable()) {
        // The trade in flight is followed for up to the grace, then its calls are cancelled
        // (a sent transaction is left pending on chain with its hash logged).
        const auto grace = std::chrono::milliseconds(config_.execution.stop_grace_ms);
        const auto deadline = Clock::now() + grace;
        spdlog::info("stopping: waiting up to {} ms for the trade in flight", grace.count());
        while (!e.worker_done.load() && Clock::now() < deadline)
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        e.trade_cancel = true;
        worker_.join();
        // Queued alerts get what is left of the grace, at least 250 ms.
        const auto left =
            std::max(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()),
                     std::chrono::milliseconds(250));
        if (e.execution && !e.execution->flush_alerts(left))
            spdlog::warn("alerts still queued at shutdown");
    } else {
        spdlog::info("stopping: no execution to wait for");
    }
    api_.reset();
    if (e.sync) {
        spdlog::info("stopped at block {}", e.sync->synced_block());
    } else {
        spdlog::info("stopped before the initial sync completed");
    }
}

void Service::run(const std::atomic<bool>& stop) {
    Runtime& e = *runtime_;
    stop_ = &stop;
    api_ = std::make_unique<ApiServer>(config_.api, *this);
    api_port_ = api_->port();
    spdlog::info("API listening on {} (port {}); control {}; at most {} connections",
                 config_.api.listen, api_->port(),
                 config_.api.token.empty() ? "disabled (no token)" : "needs the bearer token",
                 api_->max_connections());
    try {
        connect_and_sync();
        // The execution side, when enabled: checked now, so a bad key or executor stops the
        // start.
        if (config_.execution.enabled) start_execution(stop);
        if (!config_.node.ws.empty()) {
            e.heads = std::make_unique<chain::WsSubscription>(
                config_.node.ws, std::chrono::milliseconds(config_.node.timeout_ms), e.tls);
            e.heads->set_cancel_flag(&stop);  // a hung WebSocket does not delay the stop
        }
        rebuild_topology();  // the graph and cycles; rebuilt when the followed pools change
        while (!stop.load()) {
            if (e.resync_needed) {
                resync();  // waits out its back-off first
                continue;
            }
            const std::optional<std::uint64_t> head = read_head();
            if (!head) {
                ++e.follow_failures;
                back_off_after_failure(stop);
                continue;
            }
            const auto t_apply = Clock::now();
            std::vector<BlockReport> reports;
            std::vector<std::uint32_t> dirty;
            if (!follow_blocks(*head, reports, dirty)) {
                if (!e.resync_needed) back_off_after_failure(stop);
                continue;
            }
            const double apply_s = seconds_since(t_apply);
            record_follow(*head, reports);
            maybe_checkpoint(false);
            if (e.sync->market().pools.size() != e.engine->topology().pools) {
                rebuild_topology();
                e.topology_changed = true;
            }
            if (!reports.empty() || e.topology_changed) {
                const bool full = e.topology_changed || !config_.engine.incremental;
                score_round(dirty, full, e.sync->synced_block(), apply_s);
                e.topology_changed = false;
            }
            wait_for_next_block(stop);  // a newHeads notification or the polling interval
        }
    } catch (const chain::Cancelled&) {
        spdlog::info("stop requested: the call to the node in progress was abandoned");
    }
    shut_down();
}

}  // namespace macf::host
