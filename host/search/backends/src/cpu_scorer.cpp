// SPDX-License-Identifier: Apache-2.0
#include <algorithm>
#include <stdexcept>

#include "macf/host/search/backends/cpu_scorers.hpp"

namespace macf::host {
namespace {

/// Sequential: one cycle at a time through `dex::score_cycle`, the reference every other
/// backend is compared against.
class SequentialScorer final : public Scorer {
  public:
    Mode mode() const noexcept override { return Mode::kSequential; }

    std::vector<Candidate> score(const ScoreJob& job, ScoreStats& stats) override {
        std::vector<Candidate> out;
        for (std::size_t s = 0; s < job.cycles.segments.size(); ++s) {
            const CycleSegment& seg = job.cycles.segments[s];
            const SegmentParams& p = job.params[s];
            for (std::uint64_t c = seg.first; c < seg.first + seg.count; ++c) {
                const auto hops = job.cycles.cycle(c);
                const dex::CycleScore r = dex::score_cycle(
                    hops.data(), static_cast<unsigned>(hops.size()), job.edges.data(), p.score);
                if (r.net_profit > p.threshold) {
                    out.push_back({static_cast<std::uint32_t>(c), r.input, r.net_profit});
                }
            }
            stats.cycles += seg.count;
        }
        return out;
    }
};

/// Splits every segment into batches of at most `batch_size` cycles: {segment, first, count}.
struct BatchRange {
    std::size_t segment;
    std::uint64_t first;
    std::uint64_t count;
};

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

class BatchScorer final : public Scorer {
  public:
    explicit BatchScorer(std::size_t batch_size) : batch_size_(batch_size) {}
    Mode mode() const noexcept override { return Mode::kBatch; }

    std::vector<Candidate> score(const ScoreJob& job, ScoreStats& stats) override {
        std::vector<Candidate> out;
        for (const BatchRange& b : split_batches(job.cycles, batch_size_)) {
            score_segment_batch(job.cycles, job.cycles.segments[b.segment], b.first, b.count,
                                job.edges.data(), job.params[b.segment], out);
            stats.cycles += b.count;
            ++stats.batches;
        }
        return out;
    }

  private:
    std::size_t batch_size_;
};

class ParallelScorer final : public Scorer {
  public:
    ParallelScorer(std::size_t batch_size, ThreadPool& pool)
        : batch_size_(batch_size), pool_(pool) {}
    Mode mode() const noexcept override { return Mode::kParallel; }

    std::vector<Candidate> score(const ScoreJob& job, ScoreStats& stats) override {
        const auto batches = split_batches(job.cycles, batch_size_);
        // One task per group of batches: enough tasks to balance the workers, few enough that
        // queueing costs nothing next to scoring.
        const std::size_t tasks = std::min<std::size_t>(batches.size(), pool_.size() * 8);
        std::vector<std::vector<Candidate>> found(tasks);
        pool_.parallel_for(tasks, [&](std::size_t t) {
            const std::size_t begin = batches.size() * t / tasks;
            const std::size_t end = batches.size() * (t + 1) / tasks;
            for (std::size_t i = begin; i < end; ++i) {
                const BatchRange& b = batches[i];
                score_segment_batch(job.cycles, job.cycles.segments[b.segment], b.first, b.count,
                                    job.edges.data(), job.params[b.segment], found[t]);
            }
        });
        std::size_t total = 0;
        for (const auto& f : found) total += f.size();
        std::vector<Candidate> out;
        out.reserve(total);
        for (const auto& f : found)
            out.insert(out.end(), f.begin(), f.end());  // task order = cycle order
        stats.cycles += job.cycles.size();
        stats.batches += batches.size();
        stats.tasks += tasks;
        return out;
    }

  private:
    std::size_t batch_size_;
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
