// SPDX-License-Identifier: Apache-2.0
#include "macf/chain/eth.hpp"

#include "macf/chain/hex.hpp"
#include "macf/chain/rpc_client.hpp"
#include "macf/dex/u256_text.hpp"

namespace macf::chain {
namespace {

const json::Value& field(const json::Value& obj, std::string_view name, std::string_view what) {
    if (obj.type != json::Value::Type::kObject) {
        throw MalformedResponse(std::string(what) + " is a " +
                                std::string(json::type_name(obj.type)) + ", not an object");
    }
    const json::Value* v = obj.find(name);
    if (v == nullptr) {
        throw MalformedResponse(std::string(what) + " has no \"" + std::string(name) + "\"");
    }
    return *v;
}

const std::string& string_field(const json::Value& obj, std::string_view name,
                                std::string_view what) {
    const json::Value& v = field(obj, name, what);
    if (v.type != json::Value::Type::kString) {
        throw MalformedResponse(std::string(what) + "'s \"" + std::string(name) + "\" is a " +
                                std::string(json::type_name(v.type)) + ", not a string");
    }
    return v.text;
}

}  // namespace

dex::U256 parse_quantity(std::string_view text) {
    dex::U256 v;
    const bool hex = text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X');
    if (!hex || !dex::parse_u256(text, v)) {
        throw MalformedResponse("'" + std::string(text.substr(0, 80)) +
                                "' is not a hex quantity below 2^256");
    }
    return v;
}

std::uint64_t parse_quantity_u64(std::string_view text) {
    const dex::U256 v = parse_quantity(text);
    if (!v.fits_bits(64)) {
        throw MalformedResponse("quantity " + std::string(text.substr(0, 80)) + " exceeds 64 bits");
    }
    return v.w[0];
}

std::string quantity(std::uint64_t v) {
    static constexpr char kHex[] = "0123456789abcdef";
    if (v == 0) return "0x0";
    std::string s;
    for (; v != 0; v >>= 4) s.insert(s.begin(), kHex[v & 0xf]);
    return "0x" + s;
}

std::string quantity(const dex::U256& v) {
    static constexpr char kHex[] = "0123456789abcdef";
    if (v.is_zero()) return "0x0";
    std::string s;
    for (dex::U256 x = v; !x.is_zero(); x = x >> 4) s.insert(s.begin(), kHex[x.w[0] & 0xf]);
    return "0x" + s;
}

Hash32 parse_hash(std::string_view text) {
    const auto bytes = from_hex(text);
    if (!bytes || bytes->size() != 32 || text.rfind("0x", 0) != 0) {
        throw MalformedResponse("'" + std::string(text.substr(0, 80)) + "' is not a 32-byte hash");
    }
    Hash32 h{};
    std::copy(bytes->begin(), bytes->end(), h.begin());
    return h;
}

std::string hash_hex(const Hash32& h) { return to_hex(h); }

LogEntry parse_log(const json::Value& v) {
    constexpr std::string_view kWhat = "a log";
    LogEntry log;
    const std::string& address = string_field(v, "address", kWhat);
    const auto a = Address::parse(address);
    if (!a) throw MalformedResponse("a log's \"address\" '" + address + "' is not an address");
    log.address = *a;
    const json::Value& topics = field(v, "topics", kWhat);
    if (topics.type != json::Value::Type::kArray || topics.items.empty() ||
        topics.items.size() > 4) {
        throw MalformedResponse("a log's \"topics\" is not an array of 1 to 4 hashes");
    }
    for (const auto& t : topics.items) {
        if (t.type != json::Value::Type::kString) {
            throw MalformedResponse("a log topic is not a string");
        }
        log.topics.push_back(parse_hash(t.text));
    }
    const auto data = from_hex(string_field(v, "data", kWhat));
    if (!data) throw MalformedResponse("a log's \"data\" is not hex");
    log.data = *data;
    log.block_number = parse_quantity_u64(string_field(v, "blockNumber", kWhat));
    log.block_hash = parse_hash(string_field(v, "blockHash", kWhat));
    log.transaction_index = parse_quantity_u64(string_field(v, "transactionIndex", kWhat));
    log.log_index = parse_quantity_u64(string_field(v, "logIndex", kWhat));
    if (const json::Value* removed = v.find("removed"); removed != nullptr) {
        if (removed->type != json::Value::Type::kBool) {
            throw MalformedResponse("a log's \"removed\" is not a boolean");
        }
        log.removed = removed->boolean;
    }
    return log;
}

BlockHeader parse_block_header(const json::Value& v) {
    constexpr std::string_view kWhat = "a block";
    BlockHeader b;
    b.number = parse_quantity_u64(string_field(v, "number", kWhat));
    b.hash = parse_hash(string_field(v, "hash", kWhat));
    b.parent_hash = parse_hash(string_field(v, "parentHash", kWhat));
    b.timestamp = parse_quantity_u64(string_field(v, "timestamp", kWhat));
    return b;
}

HeadBlock parse_head_block(const json::Value& v) {
    constexpr std::string_view kWhat = "the latest block";
    HeadBlock head;
    head.number = parse_quantity_u64(string_field(v, "number", kWhat));
    if (v.find("baseFeePerGas") != nullptr)
        head.base_fee_per_gas = parse_quantity(string_field(v, "baseFeePerGas", kWhat));
    return head;
}

std::string logs_filter_params(std::uint64_t from, std::uint64_t to,
                               std::span<const Address> addresses,
                               std::span<const Hash32> topic0s) {
    std::string p =
        "[{\"fromBlock\":\"" + quantity(from) + "\",\"toBlock\":\"" + quantity(to) + "\"";
    if (!addresses.empty()) {
        p += ",\"address\":[";
        for (std::size_t i = 0; i < addresses.size(); ++i) {
            p += (i ? ",\"" : "\"") + addresses[i].to_hex() + "\"";
        }
        p += "]";
    }
    if (!topic0s.empty()) {
        p += ",\"topics\":[[";
        for (std::size_t i = 0; i < topic0s.size(); ++i) {
            p += (i ? ",\"" : "\"") + hash_hex(topic0s[i]) + "\"";
        }
        p += "]]";
    }
    return p + "}]";
}

}  // namespace macf::chain
