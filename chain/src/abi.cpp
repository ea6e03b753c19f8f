// SPDX-License-Identifier: Apache-2.0
#include "macf/chain/abi.hpp"

#include "macf/chain/hex.hpp"

namespace macf::chain {

std::array<std::uint8_t, 4> selector(std::string_view signature) {
    const Hash32 h = keccak256(signature);
    return {h[0], h[1], h[2], h[3]};
}

Hash32 event_topic(std::string_view signature) { return keccak256(signature); }

Word word_of(const dex::U256& v) noexcept {
    Word w{};
    for (int i = 0; i < 32; ++i) {
        w[static_cast<std::size_t>(31 - i)] =
            static_cast<std::uint8_t>(v.w[i / 8] >> (8 * (i % 8)));
    }
    return w;
}

Word word_of(const dex::I256& v) noexcept { return word_of(v.bits); }

Word word_of(const Address& a) noexcept {
    Word w{};
    for (std::size_t i = 0; i < 20; ++i) w[12 + i] = a.bytes[i];
    return w;
}

Word word_of(bool b) noexcept {
    Word w{};
    w[31] = b ? 1 : 0;
    return w;
}

std::string encode_call(std::string_view signature, std::span<const Word> args) {
    std::vector<std::uint8_t> data;
    data.reserve(4 + 32 * args.size());
    const auto sel = selector(signature);
    data.insert(data.end(), sel.begin(), sel.end());
    for (const auto& w : args) data.insert(data.end(), w.begin(), w.end());
    return to_hex(data);
}

dex::U256 u256_of(std::span<const std::uint8_t, 32> word) noexcept {
    dex::U256 v;
    for (int i = 0; i < 32; ++i) {
        v.w[i / 8] |= static_cast<std::uint64_t>(word[static_cast<std::size_t>(31 - i)])
                      << (8 * (i % 8));
    }
    return v;
}

const std::uint8_t* AbiReader::word(std::size_t i) const {
    if ((i + 1) * 32 > data_.size()) {
        throw AbiError("ABI data has " + std::to_string(data_.size()) + " bytes; word " +
                       std::to_string(i) + " is past the end");
    }
    return data_.data() + i * 32;
}

dex::U256 AbiReader::uint(std::size_t i, unsigned bits) const {
    const dex::U256 v = u256_of(std::span<const std::uint8_t, 32>(word(i), 32));
    if (!v.fits_bits(bits)) {
        throw AbiError("word " + std::to_string(i) + " does not fit in uint" +
                       std::to_string(bits));
    }
    return v;
}

dex::I256 AbiReader::sint(std::size_t i, unsigned bits) const {
    const dex::I256 v =
        dex::I256::from_bits(u256_of(std::span<const std::uint8_t, 32>(word(i), 32)));
    // In range when the value sign-extends from `bits` bits: |v| < 2^(bits−1), or v = −2^(bits−1).
    const dex::U256 mag = dex::magnitude(v);
    const bool fits = bits >= 256 || mag.bit_width() < bits ||
                      (v.negative() && mag == (dex::U256{1} << (bits - 1)));
    if (!fits) {
        throw AbiError("word " + std::to_string(i) + " does not fit in int" + std::to_string(bits));
    }
    return v;
}

Address AbiReader::address(std::size_t i) const {
    const std::uint8_t* w = word(i);
    for (int k = 0; k < 12; ++k) {
        if (w[k] != 0) throw AbiError("word " + std::to_string(i) + " is not an address");
    }
    Address a;
    for (std::size_t k = 0; k < 20; ++k) a.bytes[k] = w[12 + k];
    return a;
}

bool AbiReader::boolean(std::size_t i) const {
    const dex::U256 v = uint(i);
    if (v > dex::U256{1}) throw AbiError("word " + std::to_string(i) + " is not a bool");
    return v == dex::U256{1};
}

std::vector<dex::U256> AbiReader::uint_array(std::size_t i) const {
    const dex::U256 offset = uint(i, 64);
    if (offset.w[0] % 32 != 0) throw AbiError("array offset is not word-aligned");
    const std::size_t at = static_cast<std::size_t>(offset.w[0] / 32);
    const std::size_t n = static_cast<std::size_t>(uint(at, 32).w[0]);
    if (at + 1 + n > words()) throw AbiError("array runs past the end of the data");
    std::vector<dex::U256> out;
    out.reserve(n);
    for (std::size_t k = 0; k < n; ++k) out.push_back(uint(at + 1 + k));
    return out;
}

std::string AbiReader::string(std::size_t i) const {
    if (data_.size() == 32) {  // bytes32: up to the first zero byte
        std::string s;
        for (std::size_t k = 0; k < 32 && data_[k] != 0; ++k)
            s.push_back(static_cast<char>(data_[k]));
        return s;
    }
    const dex::U256 offset = uint(i, 64);
    if (offset.w[0] % 32 != 0) throw AbiError("string offset is not word-aligned");
    const std::size_t at = static_cast<std::size_t>(offset.w[0] / 32);
    const dex::U256 length = uint(at, 32);
    const std::size_t n = static_cast<std::size_t>(length.w[0]);
    if ((at + 1) * 32 + n > data_.size()) throw AbiError("string runs past the end of the data");
    return std::string(reinterpret_cast<const char*>(data_.data() + (at + 1) * 32), n);
}

}  // namespace macf::chain
