// SPDX-License-Identifier: Apache-2.0
// Test-only: checks a running `macf serve` against the execution fixture on the local node.
//   node serve-check.js FIXTURE API_PORT TOKEN
// Waits for /health to say synced; checks /opportunities (the planted dislocations), /pools,
// /metrics, the control endpoints' token; subscribes to /stream; moves a price with a swap and
// expects the next block's opportunities on the stream and in /opportunities; waits for the
// executor to report an executed trade in /metrics. Exits 1 with the reason on any failure.
'use strict';

const fs = require('fs');
const path = require('path');
const { Interface } = require('ethers');
const WebSocket = require('ws');
const { Rpc } = require('./rpc');

const [fixtureFile, port, token] = process.argv.slice(2);
const fixture = JSON.parse(fs.readFileSync(fixtureFile, 'utf8'));
const base = `http://127.0.0.1:${port}`;
const rpc = new Rpc(process.env.MACF_RPC_URL);
const fail = (why) => { console.error(`serve-check: ${why}`); process.exit(1); };
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function get(p, init = {}) {
  const r = await fetch(base + p, { ...init, signal: AbortSignal.timeout(10000) });
  return { status: r.status, text: await r.text(), headers: r.headers };
}

async function until(what, check, seconds = 60) {
  const end = Date.now() + seconds * 1000;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > end) fail(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

async function main() {
  await until('/health to say synced', async () => {
    try { return (await get('/health')).status === 200; } catch { return false; }
  });
  const opps = JSON.parse((await get('/opportunities')).text);
  if (!Array.isArray(opps.opportunities)) fail('no opportunities array');
  const pair = fixture.v2_pairs.WA.toLowerCase();
  const pool = await get(`/pools/${pair}`);
  if (pool.status !== 200 || JSON.parse(pool.text).kind !== 'uniswap_v2') fail(`/pools: ${pool.status} ${pool.text}`);
  if ((await get('/pools/0x' + '00'.repeat(20))).status !== 404) fail('unknown pool is not 404');
  const metrics = await get('/metrics');
  for (const name of ['macf_opportunities_processed_total', 'macf_cache_hits_total', 'macf_cache_misses_total',
    'macf_stage_seconds_bucket', 'macf_head_block', 'macf_cycles']) {
    if (!metrics.text.includes(name)) fail(`/metrics lacks ${name}`);
  }
  if ((await get('/control/pause', { method: 'POST' })).status !== 401) fail('control without a token');
  const auth = { Authorization: `Bearer ${token}` };
  if ((await get('/control/pause', { method: 'POST', headers: auth })).status !== 200) fail('pause');
  if (!(await get('/health')).text.includes('"execution":"paused"')) fail('health does not say paused');
  if ((await get('/control/resume', { method: 'POST', headers: auth })).status !== 200) fail('resume');

  // The stream: a swap makes a block; its opportunities arrive.
  const ws = new WebSocket(`ws://127.0.0.1:${port}/stream`);
  const messages = [];
  ws.on('message', (m) => messages.push(JSON.parse(m.toString())));
  await new Promise((resolve, reject) => { ws.on('open', resolve); ws.on('error', reject); });
  const before = Number(BigInt(await rpc.call('eth_blockNumber')));
  const callee = new Interface(['function swap(address,bool,int256,uint160)']);
  const [, trader] = await rpc.call('eth_accounts');
  const w0 = BigInt(fixture.tokens.W) < BigInt(fixture.tokens.B);
  await rpc.send(trader, fixture.callee, callee.encodeFunctionData('swap',
    [fixture.v3_pools.WB, !w0, 10n ** 20n, w0 ? (1n << 159n) : 4295128740n]));
  const after = Number(BigInt(await rpc.call('eth_blockNumber')));
  if (after <= before) fail('the swap made no block');
  await until(`a /stream message for block ${after}`, async () => messages.find((m) => m.block >= after));
  await until(`/opportunities at block ${after}`, async () => JSON.parse((await get('/opportunities')).text).block >= after);
  ws.close();
  const perBlock = (await get('/metrics')).text;
  for (const name of ['macf_rpc_calls_per_block', 'macf_blocks_total', 'macf_block_to_publish_seconds_count']) {
    if (!perBlock.includes(name)) fail(`/metrics lacks ${name} after a block`);
  }

  // Execution is on: the best planted cycle is executed through the executor.
  const executed = await until('an executed trade in /metrics', async () => {
    const m = (await get('/metrics')).text;
    return /macf_trades_total\{status="executed"\} [1-9]/.test(m) ? m : null;
  }, 90);
  const line = executed.split('\n').filter((l) => l.startsWith('macf_trades_total'));
  console.log(`serve-check: ok; ${messages.length} stream messages; ${line.join(', ')}`);
}

main().catch((e) => fail(e.stack || e.message));
