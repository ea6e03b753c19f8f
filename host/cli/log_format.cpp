// SPDX-License-Identifier: Apache-2.0
#include "log_format.hpp"

#include <spdlog/pattern_formatter.h>
#include <spdlog/spdlog.h>

#include <memory>
#include <string>

#include "macf/host/io/json_text.hpp"
#include "macf/host/model/safe_text.hpp"

namespace macf::cli {
namespace {

/// The log message with control characters escaped (spdlog flag %*, plain format).
class SafeMessage : public spdlog::custom_flag_formatter {
  public:
    void format(const spdlog::details::log_msg& msg, const std::tm&,
                spdlog::memory_buf_t& dest) override {
        const auto safe = host::safe_text(std::string_view(msg.payload.data(), msg.payload.size()));
        dest.append(safe.data(), safe.data() + safe.size());
    }
    [[nodiscard]] std::unique_ptr<custom_flag_formatter> clone() const override {
        return std::make_unique<SafeMessage>();
    }
};

/// The log message as a JSON string (spdlog flag %*, JSON format).
class JsonMessage : public spdlog::custom_flag_formatter {
  public:
    void format(const spdlog::details::log_msg& msg, const std::tm&,
                spdlog::memory_buf_t& dest) override {
        const auto quoted =
            host::json_quote(std::string_view(msg.payload.data(), msg.payload.size()));
        dest.append(quoted.data(), quoted.data() + quoted.size());
    }
    [[nodiscard]] std::unique_ptr<custom_flag_formatter> clone() const override {
        return std::make_unique<JsonMessage>();
    }
};

}  // namespace

void use_log_format(std::string_view format) {
    auto f = std::make_unique<spdlog::pattern_formatter>();
    if (format == "json") {
        f->add_flag<JsonMessage>('*').set_pattern(
            R"({"time":"%Y-%m-%dT%H:%M:%S.%e%z","level":"%l","message":%*})");
    } else {
        f->add_flag<SafeMessage>('*').set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %*");
    }
    spdlog::set_formatter(std::move(f));
}

}  // namespace macf::cli
