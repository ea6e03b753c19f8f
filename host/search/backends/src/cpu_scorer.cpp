// SPDX-License-Identifier: Apache-2.0
#include <algorithm>
#include <stdexcept>

#include "macf/host/search/backends/cpu_scorers.hpp"

namespace macf::host {
namespace {

/// A run of work of one segment: cycles [first, first + count) of the set, or, for a listed
/// round, ids[first .. first + count) of the list.
struct BatchRange {
    std::size_t segment;
    std::uint64_t first;
    std::uint64_t count;
};

/// Splits every segment into batches of at most `batch_size` cycles.
std::vector<BatchRange> split_batches(const CycleSet& cycles, std::size_t batch_size) {
    std::vector<BatchRange> out;
    for (std::size_t s = 0; s < cycles.segments.size(); ++s) {
        const CycleSegment& seg = cycles.segments[s];
        for (std::uint64_t off = 0; off < seg.count; off += batch_size) {
            out.push_back(
                {s, seg.first + off, std::min<std::uint64_t>(batch_size, seg.count - off)});
        }
    }
    return out;
}

/// Splits an ascending id list into batches of at most `batch_size` ids of one segment.
std::vector<BatchRange> split_listed(const CycleSet& cycles, std::span<const std::uint32_t> ids,
                                     std::size_t batch_size) {
    std::vector<BatchRange> out;
    std::size_t i = 0;
    for (std::size_t s = 0; s < cycles.segments.size() && i < ids.size(); ++s) {
        const std::uint64_t end = cycles.segments[s].first + cycles.segments[s].count;
        std::size_t j = i;
        while (j < ids.size() && ids[j] < end) ++j;
        for (std::size_t off = i; off < j; off += batch_size)
            out.push_back({s, off, std::min<std::uint64_t>(batch_size, j - off)});
        i = j;
    }
    return out;
}

/// What every CPU backend holds: the bound cycle set and its own copy of the coefficients.
class CpuScorer : public Scorer {
  public:
    void bind(const CycleSet& cycles, std::span<const dex::HopCoeffs> edges) override {
        cycles_ = &cycles;
        edges_.assign(edges.begin(), edges.end());
        rates_.resize(edges_.size());
        for (std::size_t e = 0; e < edges_.size(); ++e) rates_[e] = edges_[e].a;
    }

    void update(const PoolDeltas& deltas) override {
        if (deltas.edges.size() != deltas.coeffs.size())
            throw std::invalid_argument("pool deltas: edge ids and coefficients differ in count");
        for (std::size_t i = 0; i < deltas.edges.size(); ++i) {
            if (deltas.edges[i] >= edges_.size())
                throw std::out_of_range("pool deltas: edge id outside the bound topology");
            edges_[deltas.edges[i]] = deltas.coeffs[i];
            rates_[deltas.edges[i]] = deltas.coeffs[i].a;
        }
    }

  protected:
    /// The bound cycle set; throws std::logic_error before `bind`.
    const CycleSet& cycles() const {
        if (cycles_ == nullptr) throw std::logic_error("scoring before a topology was bound");
        return *cycles_;
    }
    const dex::HopCoeffs* edges() const noexcept { return edges_.data(); }
    /// Each edge's `a` alone (the rate screen gathers only these: half the bytes).
    const double* rates() const noexcept { return rates_.data(); }

  private:
    const CycleSet* cycles_ = nullptr;
    std::vector<dex::HopCoeffs> edges_;
    std::vector<double> rates_;
};

/// Listed cycles whose hops are fetched ahead of scoring.
constexpr std::uint64_t kPrefetchAhead = 32;

/// Sequential: one cycle at a time through `dex::score_cycle`, the reference every other
/// backend is compared against.
class SequentialScorer final : public CpuScorer {
  public:
    Mode mode() const noexcept override { return Mode::kSequential; }

    std::vector<Candidate> score_all(std::span<const SegmentParams> params,
                                     ScoreStats& stats) override {
        const CycleSet& set = cycles();
        std::vector<Candidate> out;
        for (std::size_t s = 0; s < set.segments.size(); ++s) {
            const CycleSegment& seg = set.segments[s];
            const std::uint32_t* hops = set.hops.data() + set.offsets[seg.first];
            for (std::uint64_t i = 0; i < seg.count; ++i) {
                const dex::CycleScore r =
                    dex::score_cycle(hops + i * seg.hops, seg.hops, edges(), params[s].score);
                if (dex::may_clear(r, params[s].score, params[s].threshold))
                    out.push_back(
                        {static_cast<std::uint32_t>(seg.first + i), r.input, r.net_profit});
            }
            stats.cycles += seg.count;
        }
        return out;
    }

    std::vector<Candidate> score_cycles(std::span<const std::uint32_t> ids,
                                        std::span<const SegmentParams> params,
                                        ScoreStats& stats) override {
        const CycleSet& set = cycles();
        std::vector<Candidate> out;
        for (const BatchRange& b : split_listed(set, ids, ids.size() + 1)) {
            // Listed cycles are sparse in memory: their hops at the segment's fixed stride
            // (no read of `offsets`), fetched ahead.
            const CycleSegment& seg = set.segments[b.segment];
            const std::uint32_t* base = set.hops.data() + set.offsets[seg.first];
            const auto hops_of = [&](std::uint32_t id) {
                return base + (id - seg.first) * seg.hops;
            };
            const std::uint64_t end = b.first + b.count;
            for (std::uint64_t i = b.first; i < end; ++i) {
                if (i + kPrefetchAhead < end) {
                    // Both ends: a 3-hop cycle (12 bytes) may straddle two cache lines.
                    const std::uint32_t* ahead = hops_of(ids[i + kPrefetchAhead]);
                    __builtin_prefetch(ahead);
                    __builtin_prefetch(ahead + seg.hops - 1);
                }
                const dex::CycleScore r =
                    dex::score_cycle(hops_of(ids[i]), seg.hops, edges(), params[b.segment].score);
                if (dex::may_clear(r, params[b.segment].score, params[b.segment].threshold))
                    out.push_back({ids[i], r.input, r.net_profit});
            }
        }
        stats.cycles += ids.size();
        return out;
    }
};

/// Runs `batches` of a full or listed round through the structure-of-arrays kernel.
void run_batch(const CycleSet& set, std::span<const std::uint32_t> ids, const BatchRange& b,
               const dex::HopCoeffs* edges, const double* rates,
               std::span<const SegmentParams> params, std::vector<Candidate>& out) {
    const CycleSegment& seg = set.segments[b.segment];
    if (ids.empty()) {
        score_segment_batch(set, seg, b.first, b.count, {edges, rates}, params[b.segment], out);
    } else {
        score_listed_batch(set, seg, ids.subspan(b.first, b.count), {edges, rates},
                           params[b.segment], out);
    }
}

/// The structure-of-arrays backends: work split into batches of at most `batch_size` cycles
/// of one segment (all cycles, or the listed ones), run by `run`.
class BatchedScorer : public CpuScorer {
  public:
    explicit BatchedScorer(std::size_t batch_size) : batch_size_(batch_size) {}

    std::vector<Candidate> score_all(std::span<const SegmentParams> params,
                                     ScoreStats& stats) override {
        return run(split_batches(cycles(), batch_size_), {}, params, stats);
    }

    std::vector<Candidate> score_cycles(std::span<const std::uint32_t> ids,
                                        std::span<const SegmentParams> params,
                                        ScoreStats& stats) override {
        if (ids.empty()) return {};
        return run(split_listed(cycles(), ids, batch_size_), ids, params, stats);
    }

  protected:
    /// Scores `batches` (of the listed `ids` when not empty), candidates in cycle order.
    virtual std::vector<Candidate> run(const std::vector<BatchRange>& batches,
                                       std::span<const std::uint32_t> ids,
                                       std::span<const SegmentParams> params,
                                       ScoreStats& stats) = 0;

  private:
    std::size_t batch_size_;
};

class BatchScorer final : public BatchedScorer {
  public:
    using BatchedScorer::BatchedScorer;
    Mode mode() const noexcept override { return Mode::kBatch; }

  private:
    std::vector<Candidate> run(const std::vector<BatchRange>& batches,
                               std::span<const std::uint32_t> ids,
                               std::span<const SegmentParams> params, ScoreStats& stats) override {
        std::vector<Candidate> out;
        for (const BatchRange& b : batches) {
            run_batch(cycles(), ids, b, edges(), rates(), params, out);
            stats.cycles += b.count;
            ++stats.batches;
        }
        return out;
    }
};

class ParallelScorer final : public BatchedScorer {
  public:
    ParallelScorer(std::size_t batch_size, ThreadPool& pool)
        : BatchedScorer(batch_size), pool_(pool) {}
    Mode mode() const noexcept override { return Mode::kParallel; }

  private:
    std::vector<Candidate> run(const std::vector<BatchRange>& batches,
                               std::span<const std::uint32_t> ids,
                               std::span<const SegmentParams> params, ScoreStats& stats) override {
        const CycleSet& set = cycles();
        // One task per group of batches: enough tasks to balance the workers, few enough that
        // queueing costs nothing next to scoring.
        const std::size_t tasks = std::min<std::size_t>(batches.size(), pool_.size() * 8);
        std::vector<std::vector<Candidate>> found(tasks);
        pool_.parallel_for(tasks, [&](std::size_t t) {
            const std::size_t begin = batches.size() * t / tasks;
            const std::size_t end = batches.size() * (t + 1) / tasks;
            for (std::size_t i = begin; i < end; ++i)
                run_batch(set, ids, batches[i], edges(), rates(), params, found[t]);
        });
        std::size_t total = 0;
        for (const auto& f : found) total += f.size();
        std::vector<Candidate> out;
        out.reserve(total);
        for (const auto& f : found)
            out.insert(out.end(), f.begin(), f.end());  // task order = cycle order
        for (const BatchRange& b : batches) stats.cycles += b.count;
        stats.batches += batches.size();
        stats.tasks += tasks;
        return out;
    }

    ThreadPool& pool_;
};

}  // namespace

std::unique_ptr<Scorer> make_cpu_scorer(Mode mode, std::size_t batch_size, ThreadPool* pool) {
    if (batch_size == 0) throw std::invalid_argument("batch_size must be at least 1");
    switch (mode) {
        case Mode::kSequential:
            return std::make_unique<SequentialScorer>();
        case Mode::kBatch:
            return std::make_unique<BatchScorer>(batch_size);
        case Mode::kParallel:
        case Mode::kUltra:
            if (pool == nullptr)
                throw std::invalid_argument("parallel scoring needs a thread pool");
            return std::make_unique<ParallelScorer>(batch_size, *pool);
    }
    throw std::invalid_argument("unknown mode");
}

}  // namespace macf::host
