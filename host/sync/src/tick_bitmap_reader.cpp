// SPDX-License-Identifier: Apache-2.0
// The V3 bootstrap's tick-bitmap reads in the EVM: the creation code of
// contracts/TickBitmapReader.sol (embedded, written by tools/evm/compile-contracts.js) sent with
// eth_call and no `to`; its constructor reads every word of the pools given and returns only the
// non-zero ones. One call per chunk of pools instead of one per word.

#include <algorithm>
#include <string>

#include "macf/dex/u256_text.hpp"
#include "sync_detail.hpp"

namespace macf::host {
namespace {

constexpr const char* kReaderCreationCode =
#include "tick_bitmap_reader_bin.inc"
    ;

/// ABI encoding of (address[] pools, int16[] first, int16[] last) after the creation code.
std::string constructor_arguments(std::span<const BitmapRange> ranges) {
    const std::size_t n = ranges.size();
    std::vector<Word> words;
    const auto offset = [](std::size_t bytes) { return chain::word_of(U256{bytes}); };
    words.push_back(offset(3 * 32));
    words.push_back(offset(3 * 32 + (n + 1) * 32));
    words.push_back(offset(3 * 32 + 2 * (n + 1) * 32));
    words.push_back(chain::word_of(U256{n}));
    for (const auto& r : ranges) words.push_back(chain::word_of(r.pool));
    words.push_back(chain::word_of(U256{n}));
    for (const auto& r : ranges) words.push_back(chain::word_of(dex::I256{r.first_word}));
    words.push_back(chain::word_of(U256{n}));
    for (const auto& r : ranges) words.push_back(chain::word_of(dex::I256{r.last_word}));
    std::string hex;
    hex.reserve(words.size() * 64);
    for (const auto& w : words) hex += chain::to_hex(w).substr(2);
    return hex;
}

}  // namespace

std::optional<std::vector<BitmapWord>> read_bitmaps_in_evm(chain::RpcClient& rpc,
                                                           std::span<const BitmapRange> ranges,
                                                           std::uint64_t block,
                                                           std::uint64_t& eth_calls) {
    std::vector<BitmapWord> out;
    // Chunks of at most kWordsPerCall words (~2,600 gas a word: ~10M gas, within the usual
    // eth_call caps of 25–50M).
    constexpr std::int64_t kWordsPerCall = 4000;
    for (std::size_t begin = 0; begin < ranges.size();) {
        std::size_t end = begin;
        std::int64_t words = 0;
        while (end < ranges.size() &&
               (end == begin ||
                words + (ranges[end].last_word - ranges[end].first_word + 1) <= kWordsPerCall)) {
            words += ranges[end].last_word - ranges[end].first_word + 1;
            ++end;
        }
        const auto chunk = ranges.subspan(begin, end - begin);
        const std::string params = "[{\"data\":\"0x" + std::string(kReaderCreationCode) +
                                   constructor_arguments(chunk) + "\"},\"" +
                                   chain::quantity(block) + "\"]";
        chain::json::Value result;
        try {
            result = rpc.call("eth_call", params);
        } catch (const chain::RpcError&) {
            return std::nullopt;  // a node that cannot run it (gas cap, no creation calls)
        }
        ++eth_calls;
        const auto bytes = result.type == chain::json::Value::Type::kString
                               ? chain::from_hex(result.text)
                               : std::nullopt;
        if (!bytes || bytes->size() % 96 != 0)
            throw SyncError("the tick-bitmap reader answered " +
                            std::to_string(bytes ? bytes->size() : 0) +
                            " bytes, not (pool, word, bits) triples");
        const AbiReader r(*bytes);
        for (std::size_t k = 0; k < bytes->size() / 96; ++k) {
            U256 i = r.uint(3 * k);
            const bool failed = (i.w[3] >> 63U) != 0;  // index | 2^255: the pool's call failed
            i.w[3] &= ~(std::uint64_t{1} << 63U);
            if (!i.fits_bits(32) || i.w[0] >= chunk.size())
                throw SyncError("the tick-bitmap reader named pool " + dex::to_string(i) +
                                " of a chunk of " + std::to_string(chunk.size()));
            const auto& range = chunk[i.w[0]];
            const auto word = static_cast<std::int32_t>(dex::low_int64(r.sint(3 * k + 1, 16)));
            if (word < range.first_word || word > range.last_word)
                throw SyncError("the tick-bitmap reader answered word " + std::to_string(word) +
                                " of pool " + range.pool.to_hex() + ", outside its range");
            if (failed)
                throw SyncError("pool " + range.pool.to_hex() + ": tickBitmap(" +
                                std::to_string(word) + ") failed");
            out.push_back({begin + i.w[0], word, r.uint(3 * k + 2)});
        }
        begin = end;
    }
    return out;
}

}  // namespace macf::host
