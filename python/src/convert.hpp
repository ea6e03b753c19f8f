// SPDX-License-Identifier: Apache-2.0
#pragma once

// Conversions between macf's values and Python's, shared by the bindings: wei amounts as
// Python ints (exact, any size below 2^256), addresses as "0x…" lower-case hex strings, and the
// registration of macf's errors as Python exception types.

#include <pybind11/pybind11.h>

#include <string>

#include "macf/chain/address.hpp"
#include "macf/dex/u256.hpp"

namespace macf::python {

namespace py = pybind11;

/// The Python int equal to `value` (exact: built from its hex digits).
py::int_ to_int(const dex::U256& value);

/// `value` as a U256. Raises ValueError (naming `what`) for a negative value, one of 2^256 or
/// more, or an object that is not an int (bool included).
dex::U256 to_u256(const py::handle& value, const char* what);

/// `text` as an address. Raises ValueError naming `what` when it is not "0x" + 40 hex digits.
chain::Address to_address(const std::string& text, const char* what);

/// Registers macf.MacfError (RuntimeError), macf.MarketError (a MacfError and a ValueError) and
/// the translation of the C++ exceptions macf throws into them (std::invalid_argument and
/// std::out_of_range become ValueError). The message is macf's own: the text the CLI prints.
void register_errors(py::module_& m);

}  // namespace macf::python
