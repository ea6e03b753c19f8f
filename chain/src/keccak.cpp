// SPDX-License-Identifier: Apache-2.0
#include "macf/chain/keccak.hpp"

#include <crypto++/keccak.h>

namespace macf::chain {

Hash32 keccak256(std::span<const std::uint8_t> data) {
    CryptoPP::Keccak_256 hash;
    hash.Update(data.data(), data.size());
    Hash32 out{};
    hash.Final(out.data());
    return out;
}

Hash32 keccak256(std::string_view text) {
    return keccak256(std::span(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
}

}  // namespace macf::chain
