// SPDX-License-Identifier: Apache-2.0
#include "macf/host/search/cycle_set.hpp"

#include <algorithm>
#include <limits>
#include <stdexcept>

#include "huge_pages.hpp"

namespace macf::host {
namespace {

/// Depth-first search for cycles of exactly `length` hops from `base`.
class CycleWalker {
  public:
    CycleWalker(const TokenGraph& graph, std::uint32_t base, unsigned length,
                std::vector<std::uint32_t>& hops_out, std::vector<bool>& visited)
        : graph_(graph), base_(base), length_(length), out_(hops_out), visited_(visited) {}

    /// Walks every cycle whose first hop is `first_edge`; returns the number found.
    std::uint64_t walk_from(std::uint32_t first_edge) {
        const Edge& e = graph_.edges()[first_edge];
        if (e.token_out == base_) return 0;  // a pool listing the base twice cannot happen
        found_ = 0;
        path_[0] = first_edge;
        visited_[e.token_out] = true;
        extend(e.token_out, 1);
        visited_[e.token_out] = false;
        return found_;
    }

  private:
    bool pool_used(std::uint32_t pool, unsigned depth) const {
        for (unsigned i = 0; i < depth; ++i) {
            if (graph_.edges()[path_[i]].pool == pool) return true;
        }
        return false;
    }

    void extend(std::uint32_t token, unsigned depth) {
        const bool closing = depth + 1 == length_;
        for (const std::uint32_t* it = graph_.out_begin(token); it != graph_.out_end(token); ++it) {
            const Edge& e = graph_.edges()[*it];
            if (closing) {
                if (e.token_out != base_ || pool_used(e.pool, depth)) continue;
                path_[depth] = *it;
                out_.insert(out_.end(), path_, path_ + length_);
                ++found_;
            } else {
                if (e.token_out == base_ || visited_[e.token_out] || pool_used(e.pool, depth)) {
                    continue;
                }
                path_[depth] = *it;
                visited_[e.token_out] = true;
                extend(e.token_out, depth + 1);
                visited_[e.token_out] = false;
            }
        }
    }

    const TokenGraph& graph_;
    std::uint32_t base_;
    unsigned length_;
    std::vector<std::uint32_t>& out_;
    std::vector<bool>& visited_;
    std::uint32_t path_[kMaxHops] = {};
    std::uint64_t found_ = 0;
};

}  // namespace

std::uint64_t CycleSet::memory_bytes() const noexcept {
    return offsets.size() * sizeof(std::uint64_t) + hops.size() * sizeof(std::uint32_t) +
           pool_offsets.size() * sizeof(std::uint64_t) +
           pool_cycles.size() * sizeof(std::uint32_t) + segments.size() * sizeof(CycleSegment);
}

namespace {

/// Fills the pool → cycles index of `set` by counting sort over the pools of `graph`.
void build_pool_index(CycleSet& set, const TokenGraph& graph) {
    set.pool_offsets.assign(graph.pool_count() + 1, 0);
    std::uint64_t entries = 0;
    for (const CycleSegment& seg : set.segments) {
        const std::uint32_t* hops = set.hops.data() + set.offsets[seg.first];
        for (std::uint64_t h = 0; h < seg.count * seg.hops; ++h)
            ++set.pool_offsets[graph.edges()[hops[h]].pool + 1];
        entries += seg.count * seg.hops;
    }
    for (std::uint32_t p = 0; p < graph.pool_count(); ++p) {
        set.pool_offsets[p + 1] += set.pool_offsets[p];
    }
    set.pool_cycles = reserve_in_huge_pages<std::uint32_t>(entries);
    set.pool_cycles.resize(entries);
    std::vector<std::uint64_t> cursor(set.pool_offsets.begin(), set.pool_offsets.end() - 1);
    for (const CycleSegment& seg : set.segments) {
        const std::uint32_t* hops = set.hops.data() + set.offsets[seg.first];
        for (std::uint64_t i = 0; i < seg.count; ++i) {
            for (unsigned h = 0; h < seg.hops; ++h) {
                set.pool_cycles[cursor[graph.edges()[hops[i * seg.hops + h]].pool]++] =
                    static_cast<std::uint32_t>(seg.first + i);
            }
        }
    }
}

}  // namespace

CycleSet enumerate_cycles(const TokenGraph& graph, std::span<const std::uint32_t> base_tokens,
                          unsigned max_hops, const ProgressFn& progress) {
    if (max_hops < 2 || max_hops > kMaxHops) {
        throw std::invalid_argument("max hops must be 2, 3 or 4");
    }
    CycleSet set;
    std::vector<bool> visited(graph.token_count(), false);
    std::uint64_t first_hops_total = 0;
    for (const auto base : base_tokens) {
        first_hops_total +=
            static_cast<std::uint64_t>(graph.out_end(base) - graph.out_begin(base)) *
            (max_hops - 1);
    }
    std::uint64_t first_hops_done = 0;
    std::uint64_t cycles = 0;
    std::vector<std::uint64_t> hop_starts;  // of each segment, in `hops`
    for (const auto base : base_tokens) {
        if (base >= graph.token_count()) throw std::out_of_range("base token index out of range");
        visited[base] = true;
        for (unsigned length = 2; length <= max_hops; ++length) {
            // Each segment starts on a 16-byte boundary: no 2- or 4-hop cycle straddles a
            // cache line (a listed round fetches one line per cycle, not two).
            set.hops.resize((set.hops.size() + kSegmentAlignHops - 1) / kSegmentAlignHops *
                            kSegmentAlignHops);
            const std::uint64_t hop_start = set.hops.size();
            CycleWalker walker(graph, base, length, set.hops, visited);
            const std::uint64_t first = cycles;
            for (const std::uint32_t* it = graph.out_begin(base); it != graph.out_end(base); ++it) {
                cycles += walker.walk_from(*it);
                if (cycles > std::numeric_limits<std::uint32_t>::max()) {
                    throw std::length_error(
                        "more than 2^32 cycles: narrow the market (filters, --max-hops)");
                }
                ++first_hops_done;
                if (progress && first_hops_done % 64 == 0) {
                    progress(static_cast<double>(first_hops_done) /
                             static_cast<double>(first_hops_total));
                }
            }
            if (cycles > first) {
                set.segments.push_back({base, length, first, cycles - first});
                hop_starts.push_back(hop_start);
            }
            set.count_by_length[length] += cycles - first;
        }
        visited[base] = false;
    }
    // Listed rounds read these at random: on 2 MiB pages a read costs no TLB walk.
    set.hops = move_to_huge_pages(std::move(set.hops));
    // Offsets follow from the segments (fixed length within each).
    set.offsets = reserve_in_huge_pages<std::uint64_t>(cycles + 1);
    set.offsets.resize(cycles + 1);
    for (std::size_t s = 0; s < set.segments.size(); ++s) {
        const CycleSegment& seg = set.segments[s];
        for (std::uint64_t i = 0; i < seg.count; ++i)
            set.offsets[seg.first + i] = hop_starts[s] + i * seg.hops;
    }
    set.offsets[cycles] = set.hops.size();
    build_pool_index(set, graph);
    if (progress) progress(1.0);
    return set;
}

std::vector<std::uint32_t> cycle_ids_through(const CycleSet& all,
                                             std::span<const std::uint32_t> pools) {
    std::vector<std::uint32_t> ids;
    std::uint64_t entries = 0;
    for (const auto p : pools) {
        if (static_cast<std::size_t>(p) + 1 < all.pool_offsets.size())
            entries += all.cycles_of_pool(p).size();
    }
    if (entries * kMergeSelectionRatio < all.size()) {
        // Few entries: each pool's list is ascending, so merge them pairwise (log K passes
        // over the entries) and drop repeats — work in proportion to the changed pools.
        std::vector<std::vector<std::uint32_t>> lists;
        for (const auto p : pools) {
            if (static_cast<std::size_t>(p) + 1 >= all.pool_offsets.size()) continue;
            const auto of_pool = all.cycles_of_pool(p);
            if (!of_pool.empty()) lists.emplace_back(of_pool.begin(), of_pool.end());
        }
        while (lists.size() > 1) {
            std::vector<std::vector<std::uint32_t>> merged((lists.size() + 1) / 2);
            for (std::size_t i = 0; i + 1 < lists.size(); i += 2) {
                merged[i / 2].resize(lists[i].size() + lists[i + 1].size());
                std::merge(lists[i].begin(), lists[i].end(), lists[i + 1].begin(),
                           lists[i + 1].end(), merged[i / 2].begin());
            }
            if (lists.size() % 2 == 1) merged.back() = std::move(lists.back());
            lists = std::move(merged);
        }
        if (!lists.empty()) ids = std::move(lists.front());
        ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
        return ids;
    }
    // Many: a bitmap, one block of cycle ids at a time (a block's bits fit in L1), each
    // pool's ascending list read once through a cursor; ids come out ascending, once each.
    struct Cursor {
        const std::uint32_t* next;
        const std::uint32_t* end;
    };
    std::vector<Cursor> lists;
    for (const auto p : pools) {
        if (static_cast<std::size_t>(p) + 1 >= all.pool_offsets.size()) continue;
        const auto of_pool = all.cycles_of_pool(p);
        if (!of_pool.empty()) lists.push_back({of_pool.data(), of_pool.data() + of_pool.size()});
    }
    constexpr std::uint64_t kBlockWords = kSelectionBlockCycles / 64;
    std::vector<std::uint64_t> marked(kBlockWords);
    ids.resize(std::min<std::uint64_t>(entries, all.size()));  // at most this many, cut below
    std::uint32_t* out = ids.data();
    for (std::uint64_t block = 0; block < all.size(); block += kSelectionBlockCycles) {
        const std::uint64_t block_end = block + kSelectionBlockCycles;
        std::uint64_t* bits_of_block = marked.data();
        bool any = false;
        for (Cursor& l : lists) {
            const std::uint32_t* next = l.next;
            for (; next != l.end && *next < block_end; ++next) {
                const std::uint64_t bit = *next - block;
                bits_of_block[bit >> 6] |= std::uint64_t{1} << (bit & 63);
            }
            any = any || next != l.next;
            l.next = next;
        }
        if (!any) continue;
        for (std::uint64_t w = 0; w < kBlockWords; ++w) {
            const auto first = static_cast<std::uint32_t>(block + (w << 6));
            for (std::uint64_t bits = bits_of_block[w]; bits != 0; bits &= bits - 1)
                *out++ = first + static_cast<std::uint32_t>(__builtin_ctzll(bits));
            bits_of_block[w] = 0;
        }
    }
    ids.resize(static_cast<std::size_t>(out - ids.data()));
    return ids;
}

}  // namespace macf::host
