// SPDX-License-Identifier: Apache-2.0
#include "macf/chain/transaction.hpp"

#include <stdexcept>

#include "macf/chain/abi.hpp"
#include "macf/chain/rlp.hpp"

namespace macf::chain {
namespace {

using dex::U256;

constexpr std::uint64_t kMaxInitCodeSize = 49152;  // EIP-3860

RlpItem rlp_address(const std::optional<Address>& to) {
    if (!to) return rlp_bytes({});
    return rlp_bytes(to->bytes);
}

RlpItem rlp_access_list(const std::vector<AccessListEntry>& list) {
    std::vector<RlpItem> entries;
    entries.reserve(list.size());
    for (const auto& e : list) {
        std::vector<RlpItem> keys;
        keys.reserve(e.storage_keys.size());
        for (const auto& k : e.storage_keys) keys.push_back(rlp_bytes(k));
        entries.push_back(rlp_list({rlp_bytes(e.address.bytes), rlp_list(std::move(keys))}));
    }
    return rlp_list(std::move(entries));
}

/// The fields of a transaction without its signature, in wire order.
std::vector<RlpItem> unsigned_fields(const Transaction& tx) {
    std::vector<RlpItem> f;
    if (tx.type != TxType::kLegacy) f.push_back(rlp_uint(U256{tx.chain_id.value_or(0)}));
    f.push_back(rlp_uint(U256{tx.nonce}));
    if (tx.type == TxType::kDynamicFee) {
        f.push_back(rlp_uint(tx.max_priority_fee_per_gas));
        f.push_back(rlp_uint(tx.max_fee_per_gas));
    } else {
        f.push_back(rlp_uint(tx.gas_price));
    }
    f.push_back(rlp_uint(U256{tx.gas_limit}));
    f.push_back(rlp_address(tx.to));
    f.push_back(rlp_uint(tx.value));
    f.push_back(rlp_bytes(tx.data));
    if (tx.type != TxType::kLegacy) f.push_back(rlp_access_list(tx.access_list));
    return f;
}

std::vector<std::uint8_t> typed(TxType type, const RlpItem& list) {
    std::vector<std::uint8_t> out{static_cast<std::uint8_t>(type)};
    const auto body = rlp_encode(list);
    out.insert(out.end(), body.begin(), body.end());
    return out;
}

/// Reads RLP integers and checks sizes, remembering the first failure.
struct FieldReader {
    std::string error;

    bool fail(std::string why) {
        if (error.empty()) error = std::move(why);
        return false;
    }
    bool uint(const RlpItem& item, const char* name, U256& out) {
        if (item.is_list) return fail(std::string(name) + " is a list");
        if (!item.bytes.empty() && item.bytes[0] == 0)
            return fail(std::string(name) + " has leading zero bytes");
        if (item.bytes.size() > 32) return fail(std::string(name) + " is wider than 256 bits");
        out = *rlp_to_uint(item);
        return true;
    }
    bool u64(const RlpItem& item, const char* name, std::uint64_t limit, std::uint64_t& out) {
        U256 v;
        if (!uint(item, name, v)) return false;
        if (v.w[1] != 0 || v.w[2] != 0 || v.w[3] != 0 || v.w[0] >= limit)
            return fail(std::string(name) + " is " +
                        (limit == ~0ULL ? "2^64 − 1 or more" : "too large"));
        out = v.w[0];
        return true;
    }
    bool bytes(const RlpItem& item, const char* name, std::vector<std::uint8_t>& out) {
        if (item.is_list) return fail(std::string(name) + " is a list");
        out = item.bytes;
        return true;
    }
    bool to(const RlpItem& item, std::optional<Address>& out) {
        if (item.is_list) return fail("to is a list");
        if (item.bytes.empty()) {
            out.reset();
            return true;
        }
        if (item.bytes.size() != 20)
            return fail("to has " + std::to_string(item.bytes.size()) + " bytes, not 20");
        Address a;
        std::copy(item.bytes.begin(), item.bytes.end(), a.bytes.begin());
        out = a;
        return true;
    }
    bool access_list(const RlpItem& item, std::vector<AccessListEntry>& out) {
        if (!item.is_list) return fail("the access list is not a list");
        for (const auto& e : item.items) {
            if (!e.is_list || e.items.size() != 2 || e.items[0].is_list || !e.items[1].is_list)
                return fail("an access-list entry is not [address, [keys]]");
            if (e.items[0].bytes.size() != 20)
                return fail("an access-list address is not 20 bytes");
            AccessListEntry entry;
            std::copy(e.items[0].bytes.begin(), e.items[0].bytes.end(),
                      entry.address.bytes.begin());
            for (const auto& k : e.items[1].items) {
                if (k.is_list || k.bytes.size() != 32)
                    return fail("an access-list storage key is not 32 bytes");
                Hash32 key{};
                std::copy(k.bytes.begin(), k.bytes.end(), key.begin());
                entry.storage_keys.push_back(key);
            }
            out.push_back(std::move(entry));
        }
        return true;
    }
};

TxDecodeResult failure(std::string why) { return {std::nullopt, std::move(why)}; }

/// Checks that need the whole transaction; empty when it is valid.
std::string semantic_error(const Transaction& tx, const Signature& sig) {
    const U256& fee_cap = tx.type == TxType::kDynamicFee ? tx.max_fee_per_gas : tx.gas_price;
    if (!fee_cap.is_zero() && U256::max() / fee_cap < U256{tx.gas_limit})
        return "gas limit × fee cap overflows 256 bits";
    if (tx.type == TxType::kDynamicFee && tx.max_fee_per_gas < tx.max_priority_fee_per_gas)
        return "max priority fee per gas is above max fee per gas";
    if (!tx.to && tx.data.size() > kMaxInitCodeSize)
        return "init code of " + std::to_string(tx.data.size()) + " bytes exceeds 49152";
    if (tx.gas_limit < intrinsic_gas(tx))
        return "gas limit " + std::to_string(tx.gas_limit) + " is below the intrinsic gas " +
               std::to_string(intrinsic_gas(tx));
    if (sig.r.is_zero() || sig.s.is_zero() || !(sig.r < secp256k1_order()) ||
        !(sig.s < secp256k1_order()))
        return "signature r or s is 0 or not below the curve order";
    if (!is_low_s(sig.s)) return "signature s is above n/2 (EIP-2)";
    return {};
}

}  // namespace

std::vector<std::uint8_t> signing_payload(const Transaction& tx) {
    auto fields = unsigned_fields(tx);
    if (tx.type != TxType::kLegacy) return typed(tx.type, rlp_list(std::move(fields)));
    if (tx.chain_id) {
        fields.push_back(rlp_uint(U256{*tx.chain_id}));
        fields.push_back(rlp_uint(U256{}));
        fields.push_back(rlp_uint(U256{}));
    }
    return rlp_encode(rlp_list(std::move(fields)));
}

Hash32 signing_hash(const Transaction& tx) { return keccak256(signing_payload(tx)); }

SignedTransaction sign_transaction(Transaction tx, const PrivateKey& key) {
    if (!tx.chain_id)
        throw std::invalid_argument("refusing to sign a transaction without a chain id");
    if (tx.type == TxType::kLegacy && !tx.access_list.empty())
        throw std::invalid_argument("a legacy transaction cannot carry an access list");
    SignedTransaction out;
    out.signature = key.sign(signing_hash(tx));
    out.tx = std::move(tx);
    return out;
}

std::vector<std::uint8_t> encode_transaction(const SignedTransaction& stx) {
    const Transaction& tx = stx.tx;
    auto fields = unsigned_fields(tx);
    if (tx.type == TxType::kLegacy) {
        const U256 v = tx.chain_id
                           ? U256{*tx.chain_id} * U256{2} + U256{35U + stx.signature.y_parity}
                           : U256{27U + stx.signature.y_parity};
        fields.push_back(rlp_uint(v));
    } else {
        fields.push_back(rlp_uint(U256{stx.signature.y_parity}));
    }
    fields.push_back(rlp_uint(stx.signature.r));
    fields.push_back(rlp_uint(stx.signature.s));
    if (tx.type == TxType::kLegacy) return rlp_encode(rlp_list(std::move(fields)));
    return typed(tx.type, rlp_list(std::move(fields)));
}

Hash32 transaction_hash(const SignedTransaction& stx) { return keccak256(encode_transaction(stx)); }

std::uint64_t intrinsic_gas(const Transaction& tx) {
    std::uint64_t gas = 21000;
    if (!tx.to) gas += 32000 + 2 * ((tx.data.size() + 31) / 32);
    for (const auto b : tx.data) gas += b == 0 ? 4 : 16;
    for (const auto& e : tx.access_list) gas += 2400 + 1900 * e.storage_keys.size();
    return gas;
}

TxDecodeResult decode_transaction(std::span<const std::uint8_t> raw, const TxRules& rules) {
    if (raw.empty()) return failure("empty transaction");
    Transaction tx;
    std::span<const std::uint8_t> body = raw;
    if (raw[0] < 0xc0) {
        if (raw[0] != 1 && raw[0] != 2)
            return failure("transaction type " + std::to_string(raw[0]) + " is not supported");
        tx.type = static_cast<TxType>(raw[0]);
        body = raw.subspan(1);
    } else {
        tx.type = TxType::kLegacy;
    }
    std::string why;
    const auto decoded = rlp_decode(body, &why);
    if (!decoded) return failure("RLP: " + why);
    if (!decoded->is_list) return failure("the transaction is not an RLP list");
    const auto& f = decoded->items;
    const std::size_t expected = tx.type == TxType::kLegacy       ? 9
                                 : tx.type == TxType::kAccessList ? 11
                                                                  : 12;
    if (f.size() != expected)
        return failure("the transaction has " + std::to_string(f.size()) + " fields, not " +
                       std::to_string(expected));

    FieldReader rd;
    Signature sig;
    std::size_t i = 0;
    if (tx.type != TxType::kLegacy) {
        std::uint64_t chain = 0;
        rd.u64(f[i++], "chain id", ~0ULL, chain);
        tx.chain_id = chain;
    }
    rd.u64(f[i++], "nonce", ~0ULL, tx.nonce);  // EIP-2681: nonce < 2^64 − 1
    if (tx.type == TxType::kDynamicFee) {
        rd.uint(f[i++], "max priority fee per gas", tx.max_priority_fee_per_gas);
        rd.uint(f[i++], "max fee per gas", tx.max_fee_per_gas);
    } else {
        rd.uint(f[i++], "gas price", tx.gas_price);
    }
    U256 gas;
    if (rd.uint(f[i++], "gas limit", gas)) {
        if (gas.w[1] != 0 || gas.w[2] != 0 || gas.w[3] != 0) rd.fail("gas limit is above 2^64 − 1");
        tx.gas_limit = gas.w[0];
    }
    rd.to(f[i++], tx.to);
    rd.uint(f[i++], "value", tx.value);
    rd.bytes(f[i++], "data", tx.data);
    if (tx.type != TxType::kLegacy) rd.access_list(f[i++], tx.access_list);
    U256 v;
    rd.uint(f[i++], tx.type == TxType::kLegacy ? "v" : "y parity", v);
    rd.uint(f[i++], "r", sig.r);
    rd.uint(f[i++], "s", sig.s);
    if (!rd.error.empty()) return failure(rd.error);

    if (tx.type == TxType::kLegacy) {
        if (v == U256{27} || v == U256{28}) {
            sig.y_parity = static_cast<std::uint8_t>(v.w[0] - 27);
        } else if (v < U256{35}) {
            return failure("v = " + std::to_string(v.w[0]) + " is neither 27/28 nor EIP-155");
        } else {
            const U256 chain = (v - U256{35}) >> 1;
            if (!(chain == U256{rules.chain_id}))
                return failure("v encodes another chain id than " + std::to_string(rules.chain_id));
            tx.chain_id = rules.chain_id;
            sig.y_parity = static_cast<std::uint8_t>((v.w[0] - 35) & 1);
        }
    } else {
        if (*tx.chain_id != rules.chain_id)
            return failure("chain id " + std::to_string(*tx.chain_id) + " is not " +
                           std::to_string(rules.chain_id));
        if (!(v < U256{2})) return failure("y parity is not 0 or 1");
        sig.y_parity = static_cast<std::uint8_t>(v.w[0]);
    }
    if (auto err = semantic_error(tx, sig); !err.empty()) return failure(err);

    DecodedTransaction out;
    const auto sender = recover_signer(signing_hash(tx), sig);
    if (!sender) return failure("no public key recovers from the signature");
    out.sender = *sender;
    out.hash = keccak256(raw);
    out.intrinsic_gas = intrinsic_gas(tx);
    out.signed_tx = SignedTransaction{std::move(tx), sig};
    return {std::move(out), {}};
}

}  // namespace macf::chain
