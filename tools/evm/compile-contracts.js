// SPDX-License-Identifier: Apache-2.0
// Compiles macf's contracts with the pinned npm solc (0.8.26, optimizer 200 runs) and writes each
// one's creation bytecode to contracts/NAME.bin, which the macf binary embeds:
//   MacfExecutor      (EVM cancun: transient storage)  `macf deploy-executor`
//   TickBitmapReader  (EVM paris: no PUSH0, runs on chains without Shanghai) sent with eth_call
//                     by the V3 bootstrap, never deployed
// With --check, compares instead and exits 1 when a committed file is stale.
//   node compile-contracts.js [--check]
'use strict';

const fs = require('fs');
const path = require('path');
const { compile } = require('./rpc');

const root = path.join(__dirname, '..', '..', 'contracts');
const contracts = [
  { name: 'MacfExecutor', evmVersion: 'cancun' },
  { name: 'TickBitmapReader', evmVersion: 'paris' },
];
let stale = false;
for (const { name, evmVersion } of contracts) {
  const out = path.join(root, `${name}.bin`);
  const { bytecode } = compile(path.join(root, `${name}.sol`), name, evmVersion);
  if (process.argv.includes('--check')) {
    const committed = fs.existsSync(out) ? fs.readFileSync(out, 'utf8').trim() : '';
    if (committed !== bytecode) {
      console.error(`${out} is stale: run 'node tools/evm/compile-contracts.js' and commit it`);
      stale = true;
    } else {
      console.error(`${out} matches ${name}.sol (${bytecode.length / 2} bytes)`);
    }
  } else {
    fs.writeFileSync(out, bytecode + '\n');
    console.error(`wrote ${out} (${bytecode.length / 2} bytes)`);
  }
}
process.exit(stale ? 1 : 0);
