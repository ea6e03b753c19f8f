// SPDX-License-Identifier: Apache-2.0
// Compiles contracts/MacfExecutor.sol with the pinned npm solc (0.8.26, optimizer 200 runs,
// EVM cancun) and writes its creation bytecode to contracts/MacfExecutor.bin, which the macf
// binary embeds (`macf deploy-executor`). With --check, compares instead and exits 1 when the
// committed file is stale.
//   node compile-executor.js [--check]
'use strict';

const fs = require('fs');
const path = require('path');
const { compile } = require('./rpc');

const root = path.join(__dirname, '..', '..', 'contracts');
const out = path.join(root, 'MacfExecutor.bin');
const { bytecode } = compile(path.join(root, 'MacfExecutor.sol'), 'MacfExecutor');
if (process.argv.includes('--check')) {
  const committed = fs.readFileSync(out, 'utf8').trim();
  if (committed !== bytecode) {
    console.error(`${out} is stale: run 'node tools/evm/compile-executor.js' and commit it`);
    process.exit(1);
  }
  console.error(`${out} matches MacfExecutor.sol (${bytecode.length / 2} bytes)`);
} else {
  fs.writeFileSync(out, bytecode + '\n');
  console.error(`wrote ${out} (${bytecode.length / 2} bytes)`);
}
