// SPDX-License-Identifier: Apache-2.0
#pragma once

// Ethereum transactions: legacy (with EIP-155 replay protection), EIP-2930 access-list (type 1)
// and EIP-1559 dynamic-fee (type 2). Encoding for eth_sendRawTransaction, signing hash, signing,
// transaction hash, and a decoder that checks a raw transaction the way a client of the
// Shanghai/Cancun rules does before it enters the pool (canonical RLP, field sizes, signature
// values, chain id, intrinsic gas) and recovers its sender.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "macf/chain/address.hpp"
#include "macf/chain/ecdsa.hpp"
#include "macf/chain/keccak.hpp"
#include "macf/dex/u256.hpp"

namespace macf::chain {

/// The transaction envelope type (EIP-2718); legacy transactions have none on the wire.
enum class TxType : std::uint8_t { kLegacy = 0, kAccessList = 1, kDynamicFee = 2 };

/// One entry of an EIP-2930 access list.
struct AccessListEntry {
    Address address;
    std::vector<Hash32> storage_keys;

    bool operator==(const AccessListEntry&) const = default;
};

/// An unsigned transaction. Fee fields are in wei per gas; `value` is in wei.
struct Transaction {
    TxType type = TxType::kDynamicFee;
    /// The chain id (EIP-155). Required for typed transactions; absent on a legacy transaction
    /// means a pre-EIP-155 signature (v = 27 or 28), which macf never produces.
    std::optional<std::uint64_t> chain_id;
    std::uint64_t nonce = 0;
    dex::U256 gas_price;                 ///< legacy and access-list transactions
    dex::U256 max_priority_fee_per_gas;  ///< dynamic-fee transactions
    dex::U256 max_fee_per_gas;           ///< dynamic-fee transactions
    std::uint64_t gas_limit = 0;
    std::optional<Address> to;  ///< absent: contract creation
    dex::U256 value;
    std::vector<std::uint8_t> data;
    std::vector<AccessListEntry> access_list;  ///< typed transactions only

    bool operator==(const Transaction&) const = default;
};

/// A transaction with its signature.
struct SignedTransaction {
    Transaction tx;
    Signature signature;

    bool operator==(const SignedTransaction&) const = default;
};

/// The bytes whose Keccak-256 is signed: RLP of the fields plus (chain id, 0, 0) for an EIP-155
/// legacy transaction; the type byte and the RLP of the fields for a typed one.
std::vector<std::uint8_t> signing_payload(const Transaction& tx);
/// keccak256(signing_payload(tx)).
Hash32 signing_hash(const Transaction& tx);
/// Signs `tx` with `key` (low s). Throws std::invalid_argument for a legacy transaction without
/// a chain id or a typed one without one: macf signs only replay-protected transactions.
SignedTransaction sign_transaction(Transaction tx, const PrivateKey& key);
/// The raw transaction (eth_sendRawTransaction's argument): legacy RLP with
/// v = chain_id·2 + 35 + y_parity (27 + y_parity without a chain id), or type byte + RLP.
std::vector<std::uint8_t> encode_transaction(const SignedTransaction& stx);
/// The transaction hash: keccak256 of encode_transaction.
Hash32 transaction_hash(const SignedTransaction& stx);

/// The gas a transaction pays before execution (Shanghai rules): 21,000; +32,000 for a
/// creation; 4 per zero and 16 per non-zero data byte; 2 per 32-byte word of init code
/// (EIP-3860); 2,400 per access-list address and 1,900 per storage key.
std::uint64_t intrinsic_gas(const Transaction& tx);

/// What the decoder checks against.
struct TxRules {
    std::uint64_t chain_id = 1;  ///< the chain's id; other replay-protected ids are refused
};

/// A raw transaction that passed every check.
struct DecodedTransaction {
    SignedTransaction signed_tx;
    Address sender;
    Hash32 hash{};
    std::uint64_t intrinsic_gas = 0;
};

/// The result of decoding: the transaction, or why it is invalid.
struct TxDecodeResult {
    std::optional<DecodedTransaction> tx;
    std::string error;  ///< empty when tx is set
};

/// Decodes and validates a raw transaction: strict RLP and nothing after it; the field count
/// of its type; integers without leading zeros (nonce and gas limit below 2^64 − 1 and 2^64,
/// the others at most 256 bits); `to` of 0 or 20 bytes; access-list addresses of 20 bytes and
/// keys of 32; gas limit × fee cap within 256 bits; priority fee ≤ fee cap; init code ≤ 49,152
/// bytes; gas limit ≥ intrinsic gas; r, s in [1, n), s ≤ n/2, y parity 0 or 1, the chain id of
/// `rules` (or none, v = 27/28); and a signer that recovers.
TxDecodeResult decode_transaction(std::span<const std::uint8_t> raw, const TxRules& rules = {});

}  // namespace macf::chain
