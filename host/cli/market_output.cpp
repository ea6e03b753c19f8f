// SPDX-License-Identifier: Apache-2.0
#include "market_output.hpp"

#include <fstream>
#include <iostream>
#include <stdexcept>

#include "macf/host/io/market_json.hpp"

namespace macf::cli {

void write_market_output(const host::Market& market, const std::string& out) {
    if (out == "-") {
        host::write_market(market, std::cout);
        return;
    }
    std::ofstream file(out, std::ios::binary | std::ios::trunc);
    if (!file) throw std::runtime_error(out + ": cannot open for writing");
    host::write_market(market, file);
    file.close();
    if (!file) throw std::runtime_error(out + ": write failed");
}

}  // namespace macf::cli
