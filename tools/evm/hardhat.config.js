// SPDX-License-Identifier: Apache-2.0
// Test node only. Prague rather than the default Osaka: Osaka caps a transaction at 2^24 gas
// (EIP-7825), and a V3 swap that walks the whole tick range of a tickSpacing-1 pool needs more.
module.exports = {
  networks: {
    hardhat: { chainId: 31337, hardfork: 'prague', blockGasLimit: 1000000000, mining: { auto: true, interval: 0 } },
  },
};
