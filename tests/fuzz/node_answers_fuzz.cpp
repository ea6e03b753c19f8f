// SPDX-License-Identifier: Apache-2.0
// libFuzzer target (clang -fsanitize=fuzzer,address,undefined) for what a node answers: the
// service's read of the latest block (chain::parse_head_block, from the first answer), the
// chain follower (host::ChainSync: discovery logs, token and pool reads in batches, block
// headers, a block's logs, reorg checks) and the JSON-RPC client under it, fed by a scripted
// transport. The input is a list of answers separated by newlines, used in the order the calls
// are made: each is the "result" of the next call (wrapped in a response carrying the call's
// id; one answer per call of a batch), or, when it starts with '!', the whole response body as
// sent. A hostile answer must be an exception the service can log and retry — never a crash,
// undefined behaviour, a leak or a loop (libFuzzer's -timeout). Run by tests/fuzz/run-fuzz.sh.
#include <cstddef>
#include <cstdint>
#include <exception>
#include <string>
#include <string_view>
#include <vector>

#include <spdlog/spdlog.h>

#include "macf/chain/eth.hpp"
#include "macf/chain/rpc_client.hpp"
#include "macf/host/sync/chain_sync.hpp"

namespace {

/// Answers each request with the next of the scripted answers; none left: a transport error.
class ScriptedTransport final : public macf::chain::Transport {
  public:
    explicit ScriptedTransport(std::vector<std::string_view> answers)
        : answers_(std::move(answers)) {}

    std::string post(const std::string& body, std::chrono::milliseconds) override {
        const std::vector<std::string> ids = ids_of(body);
        if (body.empty() || ids.empty()) throw macf::chain::TransportError("no request id");
        if (next_ < answers_.size() && !answers_[next_].empty() && answers_[next_][0] == '!')
            return std::string(answers_[next_++].substr(1));
        std::string out = body.front() == '[' ? "[" : "";
        for (std::size_t k = 0; k < ids.size(); ++k) {
            if (next_ >= answers_.size()) throw macf::chain::TransportError("no answers left");
            out += (k ? "," : "");
            out += R"({"jsonrpc":"2.0","id":)" + ids[k] + R"(,"result":)" +
                   std::string(answers_[next_++]) + "}";
        }
        if (body.front() == '[') out += "]";
        return out;
    }
    std::string describe() const override { return "scripted"; }

  private:
    /// The ids of the request's calls, in order (the client writes "id":N).
    static std::vector<std::string> ids_of(const std::string& body) {
        std::vector<std::string> ids;
        for (std::size_t at = body.find("\"id\":"); at != std::string::npos;
             at = body.find("\"id\":", at + 1)) {
            const std::size_t from = at + 5;
            const std::size_t to = body.find_first_not_of("0123456789", from);
            ids.push_back(body.substr(from, to - from));
        }
        return ids;
    }

    std::vector<std::string_view> answers_;
    std::size_t next_ = 0;
};

macf::host::SyncConfig follower_config() {
    using macf::chain::Address;
    macf::host::SyncConfig c;
    c.factories.push_back({*Address::parse("0x5c69bee701ef814a2b6a3edd4b1652cb9cc5aa6f"),
                           macf::host::PoolKind::kUniswapV2, 30, "uniswap_v2"});
    c.factories.push_back({*Address::parse("0x1f98431c8ad98523631ae4a59f267346ea31f984"),
                           macf::host::PoolKind::kUniswapV3, 0, "uniswap_v3"});
    c.journal_depth = 4;
    return c;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    spdlog::set_level(spdlog::level::off);  // the follower's progress lines
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    std::vector<std::string_view> answers;
    for (std::size_t begin = 0; begin <= input.size();) {
        const std::size_t end = std::min(input.find('\n', begin), input.size());
        answers.push_back(input.substr(begin, end - begin));
        begin = end + 1;
    }
    macf::chain::RpcOptions options;
    options.max_attempts = 1;
    // What serve reads of the head (Service::read_head), from the first answer.
    macf::chain::RpcClient head_rpc(std::make_unique<ScriptedTransport>(answers), options);
    try {
        (void)macf::chain::parse_head_block(
            head_rpc.call("eth_getBlockByNumber", R"(["latest",false])"));
    } catch (const std::exception&) {
    }
    macf::chain::RpcClient rpc(std::make_unique<ScriptedTransport>(std::move(answers)), options);
    macf::host::ChainSync sync(rpc, follower_config());
    try {
        (void)sync.bootstrap();
        for (int round = 0; round < 3; ++round) (void)sync.follow();
    } catch (const std::exception&) {
        // Every refusal is an exception with a message: what the service logs before retrying.
    }
    return 0;
}
