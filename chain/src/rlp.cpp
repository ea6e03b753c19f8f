// SPDX-License-Identifier: Apache-2.0
#include "macf/chain/rlp.hpp"

namespace macf::chain {
namespace {

/// Big-endian bytes of `n` without leading zeros.
std::vector<std::uint8_t> length_bytes(std::uint64_t n) {
    std::vector<std::uint8_t> out;
    for (; n != 0; n >>= 8) out.insert(out.begin(), static_cast<std::uint8_t>(n & 0xff));
    return out;
}

void append_header(std::vector<std::uint8_t>& out, std::uint8_t short_base, std::uint64_t length) {
    if (length <= 55) {
        out.push_back(static_cast<std::uint8_t>(short_base + length));
        return;
    }
    const auto len = length_bytes(length);
    out.push_back(static_cast<std::uint8_t>(short_base + 55 + len.size()));
    out.insert(out.end(), len.begin(), len.end());
}

void encode_into(const RlpItem& item, std::vector<std::uint8_t>& out) {
    if (!item.is_list) {
        if (item.bytes.size() == 1 && item.bytes[0] < 0x80) {
            out.push_back(item.bytes[0]);
            return;
        }
        append_header(out, 0x80, item.bytes.size());
        out.insert(out.end(), item.bytes.begin(), item.bytes.end());
        return;
    }
    std::vector<std::uint8_t> payload;
    for (const auto& child : item.items) encode_into(child, payload);
    append_header(out, 0xc0, payload.size());
    out.insert(out.end(), payload.begin(), payload.end());
}

struct Decoder {
    std::span<const std::uint8_t> data;
    std::string error;

    bool fail(std::string why) {
        if (error.empty()) error = std::move(why);
        return false;
    }

    /// Reads a long-form length of `n` bytes at `pos`.
    bool long_length(std::size_t pos, std::size_t n, std::uint64_t& length) {
        if (n > 8) return fail("a length of more than 8 bytes");
        if (pos + n > data.size()) return fail("the length runs past the end");
        if (data[pos] == 0) return fail("a length with a leading zero byte");
        length = 0;
        for (std::size_t k = 0; k < n; ++k) length = (length << 8) | data[pos + k];
        if (length <= 55) return fail("a long header for a payload of 55 bytes or less");
        return true;
    }

    /// Decodes the item at `pos`; sets `next` to the byte after it.
    bool item(std::size_t pos, std::size_t end, RlpItem& out, std::size_t& next, unsigned depth) {
        if (depth > 1024) return fail("nested too deep");
        if (pos >= end) return fail("an item is missing");
        const std::uint8_t b = data[pos];
        std::uint64_t length = 0;
        std::size_t start = pos + 1;
        out = RlpItem{};
        if (b < 0x80) {
            out.bytes = {b};
            next = pos + 1;
            return true;
        }
        if (b <= 0xb7) {
            length = b - 0x80u;
        } else if (b <= 0xbf) {
            const std::size_t n = b - 0xb7u;
            if (!long_length(pos + 1, n, length)) return false;
            start = pos + 1 + n;
        } else if (b <= 0xf7) {
            out.is_list = true;
            length = b - 0xc0u;
        } else {
            out.is_list = true;
            const std::size_t n = b - 0xf7u;
            if (!long_length(pos + 1, n, length)) return false;
            start = pos + 1 + n;
        }
        if (length > end - start || start > end) return fail("the payload runs past the end");
        const std::size_t stop = start + static_cast<std::size_t>(length);
        if (!out.is_list) {
            if (length == 1 && data[start] < 0x80) {
                return fail("a single byte below 0x80 with a string header");
            }
            out.bytes.assign(data.begin() + static_cast<std::ptrdiff_t>(start),
                             data.begin() + static_cast<std::ptrdiff_t>(stop));
            next = stop;
            return true;
        }
        for (std::size_t at = start; at < stop;) {
            RlpItem child;
            std::size_t after = 0;
            if (!item(at, stop, child, after, depth + 1)) return false;
            out.items.push_back(std::move(child));
            at = after;
        }
        next = stop;
        return true;
    }
};

}  // namespace

RlpItem rlp_bytes(std::span<const std::uint8_t> bytes) {
    RlpItem item;
    item.bytes.assign(bytes.begin(), bytes.end());
    return item;
}

RlpItem rlp_uint(const dex::U256& v) {
    RlpItem item;
    for (int i = 31; i >= 0; --i) {
        const auto byte = static_cast<std::uint8_t>(v.w[i / 8] >> (8 * (i % 8)));
        if (item.bytes.empty() && byte == 0) continue;
        item.bytes.push_back(byte);
    }
    return item;
}

RlpItem rlp_list(std::vector<RlpItem> items) {
    RlpItem item;
    item.is_list = true;
    item.items = std::move(items);
    return item;
}

std::vector<std::uint8_t> rlp_encode(const RlpItem& item) {
    std::vector<std::uint8_t> out;
    encode_into(item, out);
    return out;
}

std::optional<RlpItem> rlp_decode(std::span<const std::uint8_t> data, std::string* error) {
    Decoder d{data, {}};
    RlpItem item;
    std::size_t next = 0;
    if (!d.item(0, data.size(), item, next, 0)) {
        if (error != nullptr) *error = d.error;
        return std::nullopt;
    }
    if (next != data.size()) {
        if (error != nullptr) *error = "trailing bytes after the item";
        return std::nullopt;
    }
    return item;
}

std::optional<dex::U256> rlp_to_uint(const RlpItem& item) {
    if (item.is_list || item.bytes.size() > 32) return std::nullopt;
    if (!item.bytes.empty() && item.bytes[0] == 0) return std::nullopt;
    dex::U256 v;
    for (const auto b : item.bytes) v = (v << 8) | dex::U256{b};
    return v;
}

}  // namespace macf::chain
