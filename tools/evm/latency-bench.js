// SPDX-License-Identifier: Apache-2.0
// Benchmark driver (not a test): end-to-end latency of a running `macf serve` against the
// local node. Blocks are mined by hand (automine off) after a burst of random swaps through
// the fixture's V2 pairs and V3 pools; for every block this measures, on this one machine,
// the time from the node announcing it (newHeads on the node's WebSocket) to macf's /stream
// message for it, and from the node being able to serve it (its evm_mine answered: Hardhat
// announces a big block before it has finished with it and serves nothing meanwhile) to that
// message. Prints one JSON line: {profile, blocks, events_per_block, median_ms, p99_ms, max_ms,
// missed, from_node_ready_median_ms, from_node_ready_p99_ms, node_busy_after_newheads_median_ms}.
//   node latency-bench.js FIXTURE API_PORT PROFILE BLOCKS SWAPS_PER_BLOCK INTERVAL_MS
'use strict';

const fs = require('fs');
const { Interface } = require('ethers');
const WebSocket = require('ws');
const { Rpc } = require('./rpc');

const [fixtureFile, port, profile, blocksArg, swapsArg, intervalArg] = process.argv.slice(2);
const fixture = JSON.parse(fs.readFileSync(fixtureFile, 'utf8'));
const blocks = Number(blocksArg);
const swaps = Number(swapsArg);
const interval = Number(intervalArg);
const rpc = new Rpc(process.env.MACF_RPC_URL);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const now = () => performance.timeOrigin + performance.now();

const callee = new Interface(['function swap(address,bool,int256,uint160)']);
const erc20 = new Interface(['function transfer(address,uint256) returns (bool)']);
const pair = new Interface(['function swap(uint256,uint256,address,bytes)',
  'function getReserves() view returns (uint112,uint112,uint32)', 'function token0() view returns (address)']);

let seed = 12345;
const rand = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; };

async function v2Swap(trader, pairAddress, tokenIn, amountIn) {
  // transfer then swap out a little less than getAmountOut: two transactions, one Sync + Swap.
  const [r0, r1] = pair.decodeFunctionResult('getReserves', await rpc.call('eth_call',
    [{ to: pairAddress, data: pair.encodeFunctionData('getReserves') }, 'pending']));
  const [t0] = pair.decodeFunctionResult('token0', await rpc.call('eth_call',
    [{ to: pairAddress, data: pair.encodeFunctionData('token0') }, 'latest']));
  const zeroIn = t0.toLowerCase() === tokenIn.toLowerCase();
  const [rin, rout] = zeroIn ? [r0, r1] : [r1, r0];
  const out = (amountIn * 997n * rout) / (rin * 1000n + amountIn * 997n) / 2n;
  const gas = '0x' + (300000).toString(16);
  await rpc.call('eth_sendTransaction', [{ from: trader, to: tokenIn, gas,
    data: erc20.encodeFunctionData('transfer', [pairAddress, amountIn]) }]);
  await rpc.call('eth_sendTransaction', [{ from: trader, to: pairAddress, gas,
    data: pair.encodeFunctionData('swap', [zeroIn ? 0n : out, zeroIn ? out : 0n, trader, '0x']) }]);
}

async function main() {
  const [, trader] = await rpc.call('eth_accounts');
  const wsUrl = process.env.MACF_RPC_URL.replace('http://', 'ws://');
  const heads = new Map();
  const published = new Map();
  const nodeWs = new WebSocket(wsUrl);
  await new Promise((res, rej) => { nodeWs.on('open', res); nodeWs.on('error', rej); });
  nodeWs.send(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_subscribe', params: ['newHeads'] }));
  nodeWs.on('message', (m) => {
    const msg = JSON.parse(m.toString());
    if (msg.method === 'eth_subscription') heads.set(Number(BigInt(msg.params.result.number)), now());
  });
  const stream = new WebSocket(`ws://127.0.0.1:${port}/stream`);
  await new Promise((res, rej) => { stream.on('open', res); stream.on('error', rej); });
  stream.on('message', (m) => {
    const msg = JSON.parse(m.toString());
    if (!published.has(msg.block)) published.set(msg.block, now());
  });
  await rpc.call('evm_setAutomine', [false]);
  const pools = Object.values(fixture.v3_pools);
  const pairs = Object.entries(fixture.v2_pairs);
  const mined = [];
  const mineReturned = [];  // when evm_mine answered: the node serves nothing else before
  let events = 0;
  for (let b = 0; b < blocks; ++b) {
    const started = now();
    for (let s = 0; s < swaps; ++s) {
      if (s % 3 === 2) {
        const [name, address] = pairs[Math.floor(rand() * pairs.length)];
        await v2Swap(trader, address, fixture.tokens[rand() < 0.5 ? 'W' : name[1]], 10n ** 16n + BigInt(Math.floor(rand() * 1e17)));
        events += 2;  // Sync + Swap
      } else {
        const pool = pools[Math.floor(rand() * pools.length)];
        const zeroForOne = rand() < 0.5;
        await rpc.call('eth_sendTransaction', [{ from: trader, to: fixture.callee, gas: '0x' + (900000).toString(16),
          data: callee.encodeFunctionData('swap', [pool, zeroForOne, 10n ** 16n + BigInt(Math.floor(rand() * 1e17)),
            zeroForOne ? 4295128740n : (1n << 159n)]) }]);
        events += 1;  // Swap
      }
    }
    await rpc.call('evm_mine');
    mineReturned.push(now());
    mined.push(Number(BigInt(await rpc.call('eth_blockNumber'))));
    const spent = now() - started;
    if (spent < interval) await sleep(interval - spent);
  }
  await sleep(3000);
  await rpc.call('evm_setAutomine', [true]);
  const latencies = [];
  let missed = 0;
  for (const n of mined) {
    if (heads.has(n) && published.has(n)) latencies.push(published.get(n) - heads.get(n));
    else missed += 1;
  }
  latencies.sort((a, b) => a - b);
  const pick = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
  const ready = [];
  mined.forEach((n, i) => { if (published.has(n)) ready.push(published.get(n) - mineReturned[i]); });
  ready.sort((a, b) => a - b);
  const q = (arr, x) => +arr[Math.min(arr.length - 1, Math.floor(x * arr.length))].toFixed(2);
  const busy = mined.map((n, i) => mineReturned[i] - heads.get(n)).filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  console.log(JSON.stringify({ profile, blocks, events_per_block: Math.round(events / blocks), interval_ms: interval,
    median_ms: +pick(0.5).toFixed(2), p99_ms: +pick(0.99).toFixed(2), max_ms: +latencies[latencies.length - 1].toFixed(2), missed,
    from_node_ready_median_ms: q(ready, 0.5), from_node_ready_p99_ms: q(ready, 0.99),
    node_busy_after_newheads_median_ms: q(busy, 0.5) }));
  nodeWs.close();
  stream.close();
}

main().catch((e) => { console.error(e.stack || e.message); process.exit(1); });
