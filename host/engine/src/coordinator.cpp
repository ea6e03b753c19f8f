// SPDX-License-Identifier: Apache-2.0
#include "macf/host/engine/coordinator.hpp"

#include <spdlog/spdlog.h>

#include <atomic>

#include "macf/cuda/device.hpp"
#include "macf/host/search/backends/cpu_scorers.hpp"
#include "macf/host/search/edge_table.hpp"

namespace macf::host {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t) {
    return std::chrono::duration<double>(Clock::now() - t).count();
}

/// Says once per process why ultra runs on the CPU.
void log_ultra_fallback_once() {
    static std::atomic<bool> said{false};
    if (said.exchange(true)) return;
    const cuda::DeviceStatus dev = cuda::probe_device();
    if (dev.usable) {
        spdlog::warn(
            "ultra mode runs as parallel: GPU {} found, but the GPU scoring backend is "
            "not part of this version yet",
            dev.name);
    } else {
        spdlog::warn("ultra mode runs as parallel: {}", dev.reason);
    }
}

}  // namespace

MacfCoordinator::MacfCoordinator(CoordinatorConfig config) : config_(config) {
    if (config_.max_workers == 0)
        config_.max_workers = std::max(1U, std::thread::hardware_concurrency());
    if (config_.batch_size == 0) throw std::invalid_argument("batch_size must be at least 1");
    pool_ = std::make_unique<ThreadPool>(config_.max_workers);
    if (config_.mode == Mode::kUltra) log_ultra_fallback_once();
    scorer_ = make_cpu_scorer(config_.mode, config_.batch_size, pool_.get());
}

MacfCoordinator::~MacfCoordinator() = default;

void MacfCoordinator::shutdown() {
    scorer_.reset();
    pool_.reset();
}

Metrics MacfCoordinator::metrics() const {
    std::lock_guard lock(metrics_mutex_);
    return metrics_;
}

void MacfCoordinator::set_baseline(double sequential_seconds_per_item) noexcept {
    baseline_per_item_ = sequential_seconds_per_item;
}

void MacfCoordinator::finish_metrics(Metrics& m, double seconds, std::uint64_t items) {
    m.total_time = seconds;
    m.opportunities_processed = items;
    const std::uint64_t asked = m.cache_hits + m.cache_misses;
    m.cache_hit_rate =
        asked == 0 ? 0.0 : 100.0 * static_cast<double>(m.cache_hits) / static_cast<double>(asked);
    if (m.cycles_per_second == 0 && seconds > 0) {
        m.cycles_per_second = static_cast<double>(items) / seconds;
    }
    if (config_.mode == Mode::kSequential) {
        m.speedup_factor = 1.0;
    } else if (baseline_per_item_ && seconds > 0) {
        m.speedup_factor = *baseline_per_item_ * static_cast<double>(items) / seconds;
    }
    std::lock_guard lock(metrics_mutex_);
    metrics_ = m;
}

ScanResult MacfCoordinator::scan(const ScanRequest& req) {
    if (!pool_) throw std::logic_error("scan() after shutdown()");
    const auto start = Clock::now();
    Metrics m;
    m.mode = config_.mode;

    // 1. Pool states for this round: through the reserve cache, or straight from the market.
    auto t = Clock::now();
    std::vector<PoolState> states(req.market.pools.size());
    const bool use_cache = config_.enable_cache && req.cache != nullptr;
    const auto before = use_cache ? req.cache->stats() : CacheStats{};
    for (std::uint32_t p = 0; p < req.market.pools.size(); ++p) {
        const Pool& pool = req.market.pools[p];
        if (!is_scorable(pool.kind)) continue;
        // Curve and Balancer pools have no fixed-size record: they are read from the market.
        const bool has_record =
            pool.kind == PoolKind::kUniswapV2 || pool.kind == PoolKind::kUniswapV3;
        if (use_cache && has_record) {
            if (const auto cached = req.cache->get(pool.address)) {
                states[p] = *cached;
                continue;
            }
            states[p] = pool_state_of(pool);
            req.cache->set(pool.address, states[p]);
        } else {
            states[p] = pool_state_of(pool);
        }
    }
    if (use_cache) {
        const auto after = req.cache->stats();
        m.cache_hits = after.hits - before.hits;
        m.cache_misses = after.misses - before.misses;
    }
    m.stages.load_states = seconds_since(t);

    // 2. Edge coefficients and per-segment parameters.
    t = Clock::now();
    const auto edges = build_edge_table(req.market, req.graph, states);
    std::vector<SegmentParams> params;
    std::vector<GasPrice> gas_by_segment;
    params.reserve(req.cycles.segments.size());
    const double flash_fee = static_cast<double>(req.costs.flash_fee_bps) / 10000.0;
    for (const auto& seg : req.cycles.segments) {
        gas_by_segment.push_back(gas_price_in(req.market, req.costs, seg.base_token));
        // Scoring nets the cheapest hop's gas per hop; re-simulation nets each hop's own.
        const dex::U256 screen_gas =
            gas_by_segment.back().cost(req.costs.base_gas + min_hop_gas(req.costs) * seg.hops);
        params.push_back({dex::make_score_params(flash_fee, dex::to_double(screen_gas)),
                          dex::to_double(req.min_profit)});
    }
    m.stages.build_edges = seconds_since(t);

    // 3. Approximate scoring in the configured mode.
    t = Clock::now();
    ScoreStats stats;
    const std::vector<Candidate> candidates =
        scorer_->score(ScoreJob{req.cycles, edges, params}, stats);
    m.stages.score = seconds_since(t);
    m.candidates = candidates.size();
    m.batch_count = stats.batches;
    m.parallel_executions = stats.tasks;

    // 4. Exact re-simulation of every candidate (on the pool in the parallel modes).
    t = Clock::now();
    std::vector<std::size_t> segment_of(candidates.size());
    {
        std::size_t s = 0;
        for (std::size_t i = 0; i < candidates.size(); ++i) {
            while (candidates[i].cycle >=
                   req.cycles.segments[s].first + req.cycles.segments[s].count)
                ++s;
            segment_of[i] = s;
        }
    }
    std::vector<std::optional<Opportunity>> exact(candidates.size());
    const auto resim_range = [&](std::size_t begin, std::size_t end) {
        for (std::size_t i = begin; i < end; ++i) {
            exact[i] = resimulate(req.market, req.cycles, req.graph, states, candidates[i],
                                  gas_by_segment[segment_of[i]], req.costs, req.min_profit);
        }
    };
    if (config_.mode == Mode::kParallel || config_.mode == Mode::kUltra) {
        const std::size_t tasks = std::min<std::size_t>(candidates.size(), pool_->size() * 4);
        pool_->parallel_for(tasks, [&](std::size_t k) {
            resim_range(candidates.size() * k / tasks, candidates.size() * (k + 1) / tasks);
        });
        m.parallel_executions += tasks;
    } else {
        resim_range(0, candidates.size());
    }
    m.stages.resimulate = seconds_since(t);

    // 5. Rank.
    t = Clock::now();
    ScanResult result;
    for (auto& o : exact) {
        if (o) result.opportunities.push_back(std::move(*o));
    }
    std::sort(result.opportunities.begin(), result.opportunities.end(), ranks_before);
    m.opportunities_found = result.opportunities.size();
    m.stages.select = seconds_since(t);

    m.cycles_per_second =
        m.stages.score > 0 ? static_cast<double>(stats.cycles) / m.stages.score : 0.0;
    finish_metrics(m, seconds_since(start), stats.cycles);
    result.metrics = metrics();
    return result;
}

}  // namespace macf::host
