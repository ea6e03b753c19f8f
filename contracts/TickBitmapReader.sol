// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.26;

/// Never deployed. macf sends this contract's creation code with eth_call (no `to`): the
/// constructor reads, in the EVM, every tick-bitmap word of the given Uniswap V3 pools between
/// firstWord[i] and lastWord[i], and returns — instead of runtime code — only the words that are
/// not zero, as 32-byte triples (pool index, word position, bits). A pool whose tickBitmap call
/// fails gives one triple (index | 2^255, word position, 0) and is not read further. One eth_call
/// replaces one per word (most of which are zero), as "deployless" batch readers do.
contract TickBitmapReader {
    constructor(address[] memory pools, int16[] memory firstWord, int16[] memory lastWord) {
        uint256 out;
        assembly {
            out := mload(0x40)
        }
        uint256 used = 0;
        for (uint256 i = 0; i < pools.length; ++i) {
            address pool = pools[i];
            int256 last = lastWord[i];
            for (int256 w = firstWord[i]; w <= last; ++w) {
                bool ok;
                uint256 bits;
                assembly {
                    mstore(0x00, shl(224, 0x5339c296)) // tickBitmap(int16)
                    mstore(0x04, w)
                    ok := staticcall(gas(), pool, 0x00, 0x24, 0x00, 0x20)
                    ok := and(ok, eq(returndatasize(), 0x20))
                    bits := mload(0x00)
                }
                if (!ok) {
                    assembly {
                        mstore(add(out, used), or(i, shl(255, 1)))
                        mstore(add(out, add(used, 0x20)), w)
                        mstore(add(out, add(used, 0x40)), 0)
                    }
                    used += 0x60;
                    break;
                }
                if (bits != 0) {
                    assembly {
                        mstore(add(out, used), i)
                        mstore(add(out, add(used, 0x20)), w)
                        mstore(add(out, add(used, 0x40)), bits)
                    }
                    used += 0x60;
                }
            }
        }
        assembly {
            return(out, used)
        }
    }
}
