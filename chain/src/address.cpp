// SPDX-License-Identifier: Apache-2.0
#include "macf/chain/address.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

#include "macf/chain/hex.hpp"

namespace macf::chain {

Address Address::parse_or_throw(std::string_view text, std::string_view what) {
    const auto a = parse(text);
    if (!a)
        throw std::runtime_error(std::string(what) + " '" + std::string(text) +
                                 "': not an address");
    return *a;
}

std::optional<Address> Address::parse(std::string_view text) noexcept {
    if (text.size() != 42 || text[0] != '0' || (text[1] != 'x' && text[1] != 'X')) {
        return std::nullopt;
    }
    try {
        const auto bytes = from_hex(text);
        if (!bytes || bytes->size() != 20) return std::nullopt;
        Address a;
        std::copy(bytes->begin(), bytes->end(), a.bytes.begin());
        return a;
    } catch (...) {  // allocation failure
        return std::nullopt;
    }
}

std::string Address::to_hex() const { return chain::to_hex(bytes); }

}  // namespace macf::chain
