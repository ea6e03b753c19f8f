// SPDX-License-Identifier: Apache-2.0
#include "macf/host/engine/coordinator.hpp"

#include <spdlog/spdlog.h>

#include <atomic>
#include <string>

#include "macf/host/search/backends/cpu_scorers.hpp"
#include "macf/host/search/backends/device_scorer.hpp"

namespace macf::host {
namespace {

/// Says once per process what ultra runs on.
void log_ultra_choice_once(const std::string& why, bool fell_back) {
    static std::atomic<bool> said{false};
    if (said.exchange(true)) return;
    if (fell_back) {
        spdlog::warn("{}", why);
    } else {
        spdlog::info("{}", why);
    }
}

}  // namespace

MacfCoordinator::MacfCoordinator(CoordinatorConfig config) : config_(config) {
    if (config_.max_workers == 0)
        config_.max_workers = std::max(1U, std::thread::hardware_concurrency());
    if (config_.batch_size == 0) throw std::invalid_argument("batch_size must be at least 1");
    pool_ = std::make_unique<ThreadPool>(config_.max_workers);
    if (config_.mode == Mode::kUltra) {
        UltraBackend ultra = make_ultra_scorer(config_.batch_size, pool_.get());
        log_ultra_choice_once(ultra.why, !ultra.on_device);
        scorer_ = std::move(ultra.scorer);
    } else {
        scorer_ = make_cpu_scorer(config_.mode, config_.batch_size, pool_.get());
    }
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

void MacfCoordinator::record_metrics(Metrics& m, double seconds, std::uint64_t items) {
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

Scorer& MacfCoordinator::scorer() {
    if (!scorer_) throw std::logic_error("scoring after shutdown()");
    return *scorer_;
}

ThreadPool& MacfCoordinator::pool() {
    if (!pool_) throw std::logic_error("work after shutdown()");
    return *pool_;
}

}  // namespace macf::host
