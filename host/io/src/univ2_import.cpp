// SPDX-License-Identifier: Apache-2.0
#include "macf/host/io/univ2_import.hpp"

#include <fstream>
#include <sstream>
#include <unordered_map>
#include <unordered_set>

#include "macf/chain/json.hpp"
#include "macf/dex/u256_text.hpp"

namespace macf::host {
namespace json = chain::json;
namespace {

using json::Value;

[[noreturn]] void fail(const std::string& where, const std::string& what) {
    throw MarketError(where + ": " + what);
}

const Value& field(const Value& obj, std::string_view name, const std::string& where) {
    const Value* v = obj.find(name);
    if (v == nullptr) fail(where, "field \"" + std::string(name) + "\" missing");
    return *v;
}

using TokenIndex = std::unordered_map<Address, std::uint32_t, chain::AddressHash>;

std::uint32_t intern_token(Market& m, TokenIndex& index, const Value& t, const std::string& where) {
    if (t.type != Value::Type::kObject) fail(where, "expected a token object");
    const auto address = Address::parse(field(t, "address", where).text);
    if (!address) fail(where, "address is not 0x and 40 hex digits");
    const std::string& symbol = field(t, "symbol", where).text;
    const Value& dec = field(t, "decimal", where);
    U256 decimals;
    if (dec.type != Value::Type::kNumber || !dex::parse_u256(dec.text, decimals) ||
        decimals > U256{77}) {
        fail(where, "decimal must be an integer 0..77");
    }
    if (const auto it = index.find(*address); it != index.end()) {
        const Token& known = m.tokens[it->second];
        if (known.symbol != symbol || known.decimals != decimals.w[0]) {
            fail(where, "token " + address->to_hex() + " listed as " + symbol + "/" +
                            dex::to_string(decimals) + " but earlier as " + known.symbol + "/" +
                            std::to_string(known.decimals));
        }
        return it->second;
    }
    m.tokens.push_back({*address, symbol, static_cast<std::uint8_t>(decimals.w[0])});
    index.emplace(*address, static_cast<std::uint32_t>(m.tokens.size() - 1));
    return static_cast<std::uint32_t>(m.tokens.size() - 1);
}

}  // namespace

Market import_pairs(const std::vector<PairsFile>& files, ImportReport& report) {
    Market m;
    TokenIndex tokens;
    std::unordered_set<Address, chain::AddressHash> pairs;
    for (const PairsFile& file : files) {
        std::ifstream in(file.path, std::ios::binary);
        if (!in) throw MarketError(file.path.string() + ": cannot open");
        std::ostringstream buf;
        buf << in.rdbuf();
        Value root;
        try {
            root = json::parse(buf.str());
        } catch (const std::runtime_error& e) {
            throw MarketError(file.path.string() + ": malformed JSON: " + e.what());
        }
        if (root.type != Value::Type::kArray) fail(file.path.string(), "expected a JSON array");
        for (std::size_t i = 0; i < root.items.size(); ++i) {
            const std::string where = file.path.string() + ": [" + std::to_string(i) + "]";
            const Value& e = root.items[i];
            if (e.type != Value::Type::kObject) fail(where, "expected an object");
            ++report.pairs_read;
            const auto address = Address::parse(field(e, "address", where).text);
            if (!address) fail(where, "address is not 0x and 40 hex digits");
            U256 r0;
            U256 r1;
            for (auto [name, out] : {std::pair{"reserve0", &r0}, std::pair{"reserve1", &r1}}) {
                const Value& v = field(e, name, where);
                if (!dex::parse_u256(v.text, *out) || !out->fits_bits(dex::kUniswapV2ReserveBits)) {
                    fail(where, std::string(name) + " '" + v.text + "' is not a uint112");
                }
            }
            if (r0.is_zero() || r1.is_zero()) {
                ++report.zero_reserve_excluded;
                continue;
            }
            Pool p;
            p.address = *address;
            p.kind = PoolKind::kUniswapV2;
            p.dex = file.dex;
            p.tokens = {intern_token(m, tokens, field(e, "token0", where), where + ".token0"),
                        intern_token(m, tokens, field(e, "token1", where), where + ".token1")};
            if (p.tokens[0] == p.tokens[1]) fail(where, "token0 equals token1");
            p.state = UniswapV2State{r0, r1, file.fee_bps};
            if (!pairs.insert(p.address).second) {
                fail(where, "pair " + p.address.to_hex() + " listed twice");
            }
            m.pools.push_back(std::move(p));
            ++report.pairs_imported;
        }
    }
    m.index();
    report.tokens = m.tokens.size();
    return m;
}

}  // namespace macf::host
