// SPDX-License-Identifier: Apache-2.0
// A minimal JSON-RPC client for the local test node (HTTP, 127.0.0.1 only) and helpers to
// compile, deploy and call contracts. Test-only.
'use strict';

const { Interface } = require('ethers');

const CALL_GAS = 900000000;

class Rpc {
  constructor(url) {
    if (!/^http:\/\/127\.0\.0\.1:\d+\/?$/.test(url)) throw new Error(`refusing non-local RPC URL ${url}`);
    this.url = url;
    this.id = 0;
  }

  async post(body) {
    const response = await fetch(this.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(60000),
    });
    return response.json();
  }

  async call(method, params = []) {
    const reply = await this.post({ jsonrpc: '2.0', id: ++this.id, method, params });
    if (reply.error) {
      const e = new Error(`${method}: ${reply.error.message}`);
      e.rpc = reply.error;
      throw e;
    }
    return reply.result;
  }

  /// Several calls in one JSON-RPC batch; results in request order.
  async batch(calls) {
    const first = this.id + 1;
    const body = calls.map(([method, params]) => ({ jsonrpc: '2.0', id: ++this.id, method, params }));
    const replies = await this.post(body);
    const byId = new Map(replies.map((r) => [r.id, r]));
    return calls.map((c, i) => {
      const r = byId.get(first + i);
      if (!r || r.error) throw new Error(`${c[0]}: ${r ? r.error.message : 'missing reply'}`);
      return r.result;
    });
  }

  /// Sends a transaction from an unlocked account; returns its receipt (automine: mined at once).
  /// The gas allowance is large: the node runs Prague with a 10^9 block gas limit.
  async send(from, to, data, gas = CALL_GAS) {
    const tx = { from, data, gas: '0x' + gas.toString(16) };
    if (to) tx.to = to;
    const hash = await this.call('eth_sendTransaction', [tx]);
    const receipt = await this.call('eth_getTransactionReceipt', [hash]);
    if (!receipt || receipt.status !== '0x1') throw new Error(`transaction ${hash} failed`);
    return receipt;
  }

  async deploy(from, bytecode, abi, args = []) {
    const iface = new Interface(abi);
    const code = (bytecode.startsWith('0x') ? bytecode : '0x' + bytecode) + iface.encodeDeploy(args).slice(2);
    const receipt = await this.send(from, null, code);
    return receipt.contractAddress;
  }

  /// eth_call; returns { ok, data } or { ok: false, reason } with the revert string when there is one.
  async tryCall(from, to, data, gasLimit = CALL_GAS) {
    try {
      const gas = '0x' + gasLimit.toString(16);
      return { ok: true, data: await this.call('eth_call', [{ from, to, data, gas }, 'latest']) };
    } catch (e) {
      return { ok: false, reason: revertReason(e) };
    }
  }
}

/// The revert string of a failed call (`Error(string)` data or the node's message).
function revertReason(e) {
  const data = e.rpc && e.rpc.data && (typeof e.rpc.data === 'string' ? e.rpc.data : e.rpc.data.data);
  if (typeof data === 'string' && data.startsWith('0x08c379a0')) {
    return new Interface(['function Error(string)']).decodeFunctionData('Error', data)[0];
  }
  if (/out of gas/i.test(e.message)) return 'out of gas';
  if (/without a reason/i.test(e.message)) return 'no reason';
  const m = /reverted with reason string '([^']*)'/.exec(e.message);
  return m ? m[1] : e.message;
}

/// Compiles one Solidity file with the pinned npm solc (never `hardhat compile`, which downloads).
function compile(file, contractName, evmVersion = 'cancun') {
  const solc = require('solc');
  const fs = require('fs');
  const path = require('path');
  const input = {
    language: 'Solidity',
    sources: { [path.basename(file)]: { content: fs.readFileSync(file, 'utf8') } },
    settings: { evmVersion, optimizer: { enabled: true, runs: 200 },
      outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object'] } } },
  };
  const output = JSON.parse(solc.compile(JSON.stringify(input)));
  const errors = (output.errors || []).filter((e) => e.severity === 'error');
  if (errors.length) throw new Error(errors.map((e) => e.formattedMessage).join('\n'));
  const c = output.contracts[path.basename(file)][contractName];
  return { abi: c.abi, bytecode: c.evm.bytecode.object };
}

module.exports = { Rpc, compile, revertReason };
