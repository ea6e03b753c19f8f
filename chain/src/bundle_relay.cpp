// SPDX-License-Identifier: Apache-2.0
#include "macf/chain/bundle_relay.hpp"

#include "macf/chain/abi.hpp"
#include "macf/chain/eth.hpp"
#include "macf/chain/hex.hpp"

namespace macf::chain {

Hash32 personal_message_hash(std::string_view message) {
    std::string text = "\x19";
    text += "Ethereum Signed Message:\n" + std::to_string(message.size());
    text += message;
    return keccak256(std::string_view(text));
}

std::string flashbots_signature(const PrivateKey& key, std::string_view body) {
    const std::string digest = to_hex(keccak256(body));
    const Signature sig = key.sign(personal_message_hash(digest));
    std::vector<std::uint8_t> bytes;
    const Word r = word_of(sig.r), s = word_of(sig.s);
    bytes.insert(bytes.end(), r.begin(), r.end());
    bytes.insert(bytes.end(), s.begin(), s.end());
    bytes.push_back(static_cast<std::uint8_t>(27 + sig.y_parity));
    return key.address().to_hex() + ":" + to_hex(bytes);
}

std::optional<Address> verify_flashbots_signature(std::string_view header, std::string_view body) {
    const auto colon = header.find(':');
    if (colon == std::string_view::npos) return std::nullopt;
    const auto claimed = Address::parse(header.substr(0, colon));
    const auto bytes = from_hex(header.substr(colon + 1));
    if (!claimed || !bytes || bytes->size() != 65) return std::nullopt;
    const std::uint8_t v = (*bytes)[64];
    if (v != 27 && v != 28) return std::nullopt;
    Signature sig;
    sig.r = u256_of(std::span<const std::uint8_t, 32>(bytes->data(), 32));
    sig.s = u256_of(std::span<const std::uint8_t, 32>(bytes->data() + 32, 32));
    sig.y_parity = static_cast<std::uint8_t>(v - 27);
    const auto signer = recover_signer(personal_message_hash(to_hex(keccak256(body))), sig);
    if (!signer || *signer != *claimed) return std::nullopt;
    return signer;
}

BundleRelay::BundleRelay(const std::string& url, const PrivateKey& key, RpcOptions options,
                         const TlsOptions& tls) {
    const PrivateKey* signer = &key;
    auto transport = make_http_transport(url, tls, [signer](const std::string& body) {
        return std::vector<std::pair<std::string, std::string>>{
            {"X-Flashbots-Signature", flashbots_signature(*signer, body)}};
    });
    rpc_ = std::make_unique<RpcClient>(std::move(transport), std::move(options));
}

std::string BundleRelay::send_bundle(const std::vector<std::vector<std::uint8_t>>& txs,
                                     std::uint64_t target_block) {
    std::string list;
    for (const auto& tx : txs) list += (list.empty() ? "\"" : ",\"") + to_hex(tx) + "\"";
    const auto result =
        rpc_->call("eth_sendBundle", R"([{"txs":[)" + list + R"(],"blockNumber":")" +
                                         quantity(target_block) + "\"}]");
    if (const auto* h = result.find("bundleHash")) return h->text;
    return result.text;
}

RawSender BundleRelay::next_block_sender(RpcClient& node) {
    return [this, &node](const std::vector<std::uint8_t>& raw, std::uint64_t) {
        const std::uint64_t target = parse_quantity_u64(node.call("eth_blockNumber").text) + 1;
        send_bundle({raw}, target);
        return keccak256(raw);
    };
}

}  // namespace macf::chain
