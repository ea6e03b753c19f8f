// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <algorithm>
#include <chrono>
#include <concepts>
#include <cstddef>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <thread>
#include <type_traits>
#include <typeindex>
#include <unordered_map>
#include <vector>

#include "macf/host/search/metrics.hpp"
#include "macf/host/search/opportunity.hpp"
#include "macf/host/search/scorer.hpp"
#include "macf/host/search/thread_pool.hpp"
#include "macf/host/search/token_graph.hpp"
#include "macf/host/state/reserve_cache.hpp"

namespace macf::host {

/// The coordinator's settings, with the MACF guide's names.
struct CoordinatorConfig {
    Mode mode = Mode::kParallel;
    /// Worker threads for parallel and ultra (0 = one per hardware thread).
    unsigned max_workers = 0;
    /// Items (cycles) per batch in batch, parallel and ultra modes.
    std::size_t batch_size = 4096;
    /// Read pool states through the reserve cache (scan) / memoise evaluator results
    /// (coordinate) instead of recomputing them.
    bool enable_cache = true;
};

/// The MACF coordinator: runs work in one of the four modes and reports the MACF metrics.
/// Owns its thread pool; destruction (or `shutdown`) joins it.
class MacfCoordinator {
  public:
    explicit MacfCoordinator(CoordinatorConfig config);
    ~MacfCoordinator();
    MacfCoordinator(const MacfCoordinator&) = delete;
    MacfCoordinator& operator=(const MacfCoordinator&) = delete;

    /// The effective configuration (max_workers resolved).
    const CoordinatorConfig& config() const noexcept { return config_; }

    /// The scoring backend of the configured mode; an Engine binds it to a topology and
    /// feeds it each round. Throws std::logic_error after shutdown().
    [[nodiscard]] Scorer& scorer();
    /// The worker threads (the parallel modes size candidates exactly on them). Throws
    /// std::logic_error after shutdown().
    [[nodiscard]] ThreadPool& pool();

    /// Evaluates every item with `evaluator` (T → std::optional<R>) in the configured mode and
    /// returns the engaged results in input order, as the MACF guide's
    /// `coordinate_opportunities`. With enable_cache and a hashable T, results are memoised
    /// per item value for the coordinator's life. The evaluator must be thread-safe for the
    /// parallel modes; its exceptions propagate.
    template <class T, class F>
    auto coordinate(std::span<const T> items, F evaluator)
        -> std::vector<typename std::invoke_result_t<F, const T&>::value_type>;

    /// Runs `coordinate` on a thread of its own; the items are moved in.
    template <class T, class F>
    auto coordinate_async(std::vector<T> items, F evaluator)
        -> std::future<std::vector<typename std::invoke_result_t<F, const T&>::value_type>> {
        return std::async(std::launch::async,
                          [this, items = std::move(items), evaluator = std::move(evaluator)] {
                              return coordinate(std::span<const T>(items), evaluator);
                          });
    }

    /// The metrics of the last scoring round or `coordinate` call.
    [[nodiscard]] Metrics metrics() const;
    /// Completes and stores the metrics of a finished piece of work of `items` items that took
    /// `seconds`: total time, items, hit rate, throughput when not set, speedup against the
    /// baseline.
    void record_metrics(Metrics& m, double seconds, std::uint64_t items);
    /// Declares the sequential mode's time per item measured in this run, so `speedup_factor`
    /// can be reported.
    void set_baseline(double sequential_seconds_per_item) noexcept;
    /// Stops the thread pool now (also done by the destructor). Further calls are errors.
    void shutdown();

  private:
    template <class T, class R>
    struct ResultCache {
        std::mutex mutex;
        std::unordered_map<T, std::optional<R>> results;
    };

    CoordinatorConfig config_;
    std::unique_ptr<ThreadPool> pool_;
    std::unique_ptr<Scorer> scorer_;
    std::optional<double> baseline_per_item_;
    mutable std::mutex metrics_mutex_;
    Metrics metrics_;
    std::unordered_map<std::type_index, std::shared_ptr<void>> result_caches_;
};

template <class T>
concept Hashable = requires(const T& t) {
    { std::hash<T>{}(t) } -> std::convertible_to<std::size_t>;
    { t == t } -> std::convertible_to<bool>;
};

template <class T, class F>
auto MacfCoordinator::coordinate(std::span<const T> items, F evaluator)
    -> std::vector<typename std::invoke_result_t<F, const T&>::value_type> {
    using Opt = std::invoke_result_t<F, const T&>;
    using R = typename Opt::value_type;
    if (!pool_) throw std::logic_error("coordinate() after shutdown()");
    const auto start = std::chrono::steady_clock::now();
    std::vector<Opt> slots(items.size());
    std::uint64_t hits = 0;
    std::uint64_t misses = 0;
    std::shared_ptr<ResultCache<T, R>> cache;
    if constexpr (Hashable<T>) {
        if (config_.enable_cache) {
            auto& entry = result_caches_[std::type_index(typeid(ResultCache<T, R>))];
            if (!entry) entry = std::make_shared<ResultCache<T, R>>();
            cache = std::static_pointer_cast<ResultCache<T, R>>(entry);
        }
    }
    std::mutex counter_mutex;
    const auto eval_range = [&](std::size_t begin, std::size_t end) {
        std::uint64_t h = 0;
        std::uint64_t m = 0;
        for (std::size_t i = begin; i < end; ++i) {
            if constexpr (Hashable<T>) {
                if (cache) {
                    {
                        std::lock_guard lock(cache->mutex);
                        const auto it = cache->results.find(items[i]);
                        if (it != cache->results.end()) {
                            slots[i] = it->second;
                            ++h;
                            continue;
                        }
                    }
                    slots[i] = evaluator(items[i]);
                    ++m;
                    std::lock_guard lock(cache->mutex);
                    cache->results.emplace(items[i], slots[i]);
                    continue;
                }
            }
            slots[i] = evaluator(items[i]);
        }
        std::lock_guard lock(counter_mutex);
        hits += h;
        misses += m;
    };
    Metrics m;
    m.mode = config_.mode;
    const std::size_t bs = std::max<std::size_t>(1, config_.batch_size);
    const std::size_t batches = (items.size() + bs - 1) / bs;
    switch (config_.mode) {
        case Mode::kSequential:
            eval_range(0, items.size());
            break;
        case Mode::kBatch:
            for (std::size_t b = 0; b < batches; ++b) {
                eval_range(b * bs, std::min(items.size(), (b + 1) * bs));
            }
            m.batch_count = batches;
            break;
        case Mode::kParallel:
        case Mode::kUltra:
            pool_->parallel_for(batches, [&](std::size_t b) {
                eval_range(b * bs, std::min(items.size(), (b + 1) * bs));
            });
            m.batch_count = batches;
            m.parallel_executions = batches;
            break;
    }
    std::vector<R> out;
    for (auto& s : slots) {
        if (s) out.push_back(std::move(*s));
    }
    m.cache_hits = hits;
    m.cache_misses = misses;
    m.opportunities_found = out.size();
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    record_metrics(m, seconds, items.size());
    return out;
}

}  // namespace macf::host
