// SPDX-License-Identifier: Apache-2.0
#include "macf/chain/rpc_client.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <mutex>
#include <thread>
#include <unordered_map>

namespace macf::chain {

RpcOptions logged_rpc_options(std::chrono::milliseconds timeout, unsigned attempts) {
    RpcOptions o;
    o.timeout = timeout;
    o.max_attempts = attempts;
    o.on_retry = [](const std::string& why, std::chrono::milliseconds wait) {
        spdlog::warn("RPC retry in {} ms: {}", wait.count(), why);
    };
    return o;
}
namespace {

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

/// The response object's id as a number; MalformedResponse when it is missing or not one.
std::uint64_t id_of(const json::Value& response) {
    const json::Value* id = response.find("id");
    if (id == nullptr) throw MalformedResponse("a response has no \"id\"");
    if (id->type != json::Value::Type::kNumber) {
        throw MalformedResponse("a response's \"id\" is a " +
                                std::string(json::type_name(id->type)) + ", not the number sent");
    }
    std::uint64_t v = 0;
    for (const char c : id->text) {
        if (c < '0' || c > '9' || v > (UINT64_MAX - 9) / 10) {
            throw MalformedResponse("a response's \"id\" " + id->text + " was never sent");
        }
        v = v * 10 + static_cast<std::uint64_t>(c - '0');
    }
    return v;
}

/// The result or error of one response object.
RpcResult result_of(json::Value&& response) {
    if (response.type != json::Value::Type::kObject) {
        throw MalformedResponse("a response is a " + std::string(json::type_name(response.type)) +
                                ", not an object");
    }
    const json::Value* version = response.find("jsonrpc");
    if (version == nullptr || version->type != json::Value::Type::kString ||
        version->text != "2.0") {
        throw MalformedResponse("a response is not JSON-RPC 2.0 (\"jsonrpc\" missing or wrong)");
    }
    RpcResult r;
    const json::Value* error = response.find("error");
    const json::Value* result = response.find("result");
    if ((error == nullptr) == (result == nullptr)) {
        throw MalformedResponse("a response must have exactly one of \"result\" and \"error\"");
    }
    if (error != nullptr) {
        const json::Value* code = error->find("code");
        const json::Value* message = error->find("message");
        if (error->type != json::Value::Type::kObject || code == nullptr ||
            code->type != json::Value::Type::kNumber || message == nullptr ||
            message->type != json::Value::Type::kString) {
            throw MalformedResponse("an error object without a numeric code and a message");
        }
        std::int64_t c = 0;
        try {
            c = std::stoll(code->text);
        } catch (const std::exception&) {
            throw MalformedResponse("an error code " + code->text + " out of range");
        }
        const json::Value* data = error->find("data");
        r.error = RpcError(c, message->text, data != nullptr ? data->text : std::string{});
        return r;
    }
    for (auto& [key, value] : response.fields) {
        if (key == "result") {
            r.result = std::move(value);
            break;
        }
    }
    return r;
}

json::Value parse_body(const std::string& body) {
    try {
        return json::parse(body);
    } catch (const std::exception& e) {
        const std::string head = body.substr(0, 120);
        throw MalformedResponse(std::string("the response is not valid JSON (") + e.what() +
                                "): " + head + (body.size() > head.size() ? "…" : ""));
    }
}

}  // namespace

bool RpcError::rate_limited() const noexcept {
    if (code_ == 429 || code_ == -32005) return true;
    const std::string m = lower(message_);
    return m.find("rate limit") != std::string::npos ||
           m.find("too many requests") != std::string::npos;
}

std::string json_string(std::string_view s) {
    std::string out = "\"";
    for (const char c : s) {
        switch (c) {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '\n':
                out += "\\n";
                break;
            default:
                if (static_cast<unsigned char>(c) < 0x20) {
                    static constexpr char kHex[] = "0123456789abcdef";
                    out += "\\u00";
                    out += kHex[(c >> 4) & 0xf];
                    out += kHex[c & 0xf];
                } else {
                    out += c;
                }
        }
    }
    return out + "\"";
}

RpcClient::RpcClient(std::unique_ptr<Transport> transport, RpcOptions options)
    : transport_(std::move(transport)), options_(std::move(options)) {
    if (options_.max_attempts == 0) options_.max_attempts = 1;
    if (options_.max_batch == 0) options_.max_batch = 1;
    transport_->set_cancel_flag(options_.cancel);
}

void RpcClient::throw_if_cancelled() const {
    if (options_.cancel != nullptr && options_.cancel->load())
        throw Cancelled(transport_->describe() + ": cancelled (stopping)");
}

void RpcClient::back_off(const std::string& why, std::chrono::milliseconds& wait) {
    if (options_.on_retry) options_.on_retry(why, wait);
    const auto end = std::chrono::steady_clock::now() + wait;
    while (std::chrono::steady_clock::now() < end) {
        throw_if_cancelled();
        std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(
            std::chrono::milliseconds(20), end - std::chrono::steady_clock::now()));
    }
    throw_if_cancelled();
    wait = std::min(options_.max_backoff, wait * 2);
}

std::string RpcClient::post_with_retries(const std::string& body, std::size_t calls_in_body) {
    std::chrono::milliseconds wait = options_.initial_backoff;
    for (unsigned attempt = 1;; ++attempt) {
        std::string why;
        throw_if_cancelled();
        try {
            ++requests_;
            calls_ += calls_in_body;
            const std::lock_guard lock(exchange_);
            return transport_->post(body, options_.timeout);
        } catch (const TransportError& e) {
            if (attempt >= options_.max_attempts) {
                throw TransportError(
                    std::string(e.what()) + " (after " + std::to_string(attempt) + " attempts)",
                    e.http_status());
            }
            why = e.what();
        }
        back_off(why, wait);
    }
}

json::Value RpcClient::call(std::string_view method, std::string_view params) {
    std::chrono::milliseconds wait = options_.initial_backoff;
    for (unsigned attempt = 1;; ++attempt) {
        const std::uint64_t id = next_id_++;
        const std::string body = "{\"jsonrpc\":\"2.0\",\"id\":" + std::to_string(id) +
                                 ",\"method\":" + json_string(method) +
                                 ",\"params\":" + std::string(params) + "}";
        json::Value response = parse_body(post_with_retries(body, 1));
        if (response.type == json::Value::Type::kArray) {
            throw MalformedResponse("a batch answer to a single call of " + std::string(method));
        }
        if (id_of(response) != id) {
            throw MalformedResponse("the answer to " + std::string(method) + " carries id " +
                                    std::to_string(id_of(response)) + ", not " +
                                    std::to_string(id));
        }
        RpcResult r = result_of(std::move(response));
        if (!r.error) return std::move(r.result);
        if (!r.error->rate_limited() || attempt >= options_.max_attempts) throw *r.error;
        back_off(r.error->what(), wait);
    }
}

std::vector<RpcResult> RpcClient::batch_chunk(const std::vector<RpcCall>& calls, std::size_t begin,
                                              std::size_t end) {
    std::chrono::milliseconds wait = options_.initial_backoff;
    for (unsigned attempt = 1;; ++attempt) {
        const std::uint64_t first = next_id_.fetch_add(end - begin);
        std::string body = "[";
        for (std::size_t i = begin; i < end; ++i) {
            if (i > begin) body += ',';
            body += "{\"jsonrpc\":\"2.0\",\"id\":" + std::to_string(first + (i - begin)) +
                    ",\"method\":" + json_string(calls[i].method) +
                    ",\"params\":" + calls[i].params + "}";
        }
        body += ']';
        json::Value response = parse_body(post_with_retries(body, end - begin));
        if (response.type != json::Value::Type::kArray) {
            // A single error object answers a whole batch the server refused (rate limiting).
            if (response.type == json::Value::Type::kObject && response.find("error") != nullptr) {
                RpcResult r = result_of(std::move(response));
                if (r.error && r.error->rate_limited() && attempt < options_.max_attempts) {
                    back_off(r.error->what(), wait);
                    continue;
                }
                if (r.error) throw *r.error;
            }
            throw MalformedResponse("a batch of " + std::to_string(end - begin) +
                                    " calls was not answered with an array");
        }
        std::vector<std::optional<RpcResult>> slots(end - begin);
        for (auto& item : response.items) {
            const std::uint64_t id = id_of(item);
            if (id < first || id >= first + (end - begin)) {
                throw MalformedResponse("a batch answer carries id " + std::to_string(id) +
                                        ", which this batch did not send");
            }
            auto& slot = slots[id - first];
            if (slot) throw MalformedResponse("a batch answer repeats id " + std::to_string(id));
            slot = result_of(std::move(item));
        }
        std::vector<RpcResult> out;
        out.reserve(slots.size());
        bool limited = false;
        for (std::size_t k = 0; k < slots.size(); ++k) {
            if (!slots[k]) {
                throw MalformedResponse("a batch answer has no response to " +
                                        calls[begin + k].method + " (id " +
                                        std::to_string(first + k) + ")");
            }
            limited = limited || (slots[k]->error && slots[k]->error->rate_limited());
            out.push_back(std::move(*slots[k]));
        }
        if (!limited || attempt >= options_.max_attempts) return out;
        back_off("rate limited inside a batch", wait);
    }
}

std::vector<RpcResult> RpcClient::batch(const std::vector<RpcCall>& calls) {
    std::vector<RpcResult> out;
    out.reserve(calls.size());
    for (std::size_t begin = 0; begin < calls.size(); begin += options_.max_batch) {
        const std::size_t end = std::min(calls.size(), begin + options_.max_batch);
        auto part = batch_chunk(calls, begin, end);
        for (auto& r : part) out.push_back(std::move(r));
    }
    return out;
}

}  // namespace macf::chain
