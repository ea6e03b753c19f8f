// SPDX-License-Identifier: Apache-2.0
// Differential harness, test-only: deploys the real Uniswap V2 and V3 bytecode from npm on the
// local node at $MACF_RPC_URL, gives pools random states, runs random swaps through the
// contracts and records, per swap, the pool state before it and what the contract did. The C++
// test (tests/dex/evm_differential_test.cpp) recomputes every swap with macf's math and compares.
//
//   node differential.js --out FILE [--v2-swaps 500] [--v3-swaps 500] [--seed 1]
//
// Record lines (decimal integers, space separated):
//   v2 reserve0 reserve1 zeroForOne amountIn out outPlusOneReason
//      `out` was accepted by pair.swap and `out + 1` reverted with outPlusOneReason.
//   v3 fee tickSpacing sqrtPriceX96 liquidity tick n (tick liquidityNet)*n zeroForOne exactInput
//      amount sqrtPriceLimitX96 (ok amount0 amount1 sqrtPriceX96 liquidity tick | revert REASON)

'use strict';

const fs = require('fs');
const path = require('path');
const { Interface, id: eventId } = require('ethers');
const { Rpc, compile } = require('./rpc');

const V2Factory = require('@uniswap/v2-core/build/UniswapV2Factory.json');
const V2Pair = require('@uniswap/v2-core/build/UniswapV2Pair.json');
const ERC20 = require('@uniswap/v2-core/build/ERC20.json');
const V3Factory = require('@uniswap/v3-core/artifacts/contracts/UniswapV3Factory.sol/UniswapV3Factory.json');
const V3Pool = require('@uniswap/v3-core/artifacts/contracts/UniswapV3Pool.sol/UniswapV3Pool.json');

const MIN_TICK = -887272;
const MAX_TICK = 887272;
const MIN_SQRT_RATIO = 4295128739n;
const MAX_SQRT_RATIO = 1461446703485210103287273052203988822378723970342n;
const SPACING = { 100: 1, 500: 10, 3000: 60, 10000: 200 };

function parseArgs(argv) {
  const args = { out: null, v2Swaps: 500, v3Swaps: 500, seed: 1 };
  for (let i = 2; i < argv.length; i += 2) {
    const [k, v] = [argv[i], argv[i + 1]];
    if (v === undefined) throw new Error(`missing value for ${k}`);
    if (k === '--out') args.out = v;
    else if (k === '--v2-swaps') args.v2Swaps = Number(v);
    else if (k === '--v3-swaps') args.v3Swaps = Number(v);
    else if (k === '--seed') args.seed = Number(v);
    else throw new Error(`unknown option ${k}`);
  }
  if (!args.out) throw new Error('--out FILE is required');
  return args;
}

/// mulberry32: a small seeded PRNG so a run can be repeated.
function makeRandom(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (lo, hi) => lo + Math.floor(next() * (hi - lo + 1));
  /// A positive BigInt with a log-uniform number of decimal digits in [loDigits, hiDigits].
  const logBig = (loDigits, hiDigits) => {
    const digits = Math.max(1, Math.floor(loDigits + next() * (hiDigits - loDigits + 1)));
    let s = String(int(1, 9));
    for (let i = 1; i < digits; i++) s += String(int(0, 9));
    return BigInt(s);
  };
  return { next, int, logBig };
}

const erc20 = new Interface(ERC20.abi);
const pairIface = new Interface(V2Pair.abi);
const v2FactoryIface = new Interface(V2Factory.abi);
const v3FactoryIface = new Interface(V3Factory.abi);
const poolIface = new Interface(V3Pool.abi);
const SWAP_TOPIC = eventId('Swap(address,address,int256,int256,uint160,uint128,int24)');
const SYNC_TOPIC = eventId('Sync(uint112,uint112)');
const TOKEN_SUPPLY = 1n << 200n;

async function view(rpc, iface, to, name, args = []) {
  const data = await rpc.call('eth_call', [{ to, data: iface.encodeFunctionData(name, args) }, 'latest']);
  return iface.decodeFunctionResult(name, data);
}

async function newTokenPair(rpc, trader) {
  const a = await rpc.deploy(trader, ERC20.bytecode, ERC20.abi, [TOKEN_SUPPLY]);
  const b = await rpc.deploy(trader, ERC20.bytecode, ERC20.abi, [TOKEN_SUPPLY]);
  return BigInt(a) < BigInt(b) ? [a, b] : [b, a];
}

async function runV2(rpc, rnd, owner, trader, swaps, lines, log) {
  const factory = await rpc.deploy(owner, V2Factory.bytecode, V2Factory.abi, [owner]);
  const pairs = [];
  const pairCount = Math.max(1, Math.min(20, Math.ceil(swaps / 25)));
  for (let i = 0; i < pairCount; i++) {
    const [t0, t1] = await newTokenPair(rpc, trader);
    await rpc.send(owner, factory, v2FactoryIface.encodeFunctionData('createPair', [t0, t1]));
    const [pair] = await view(rpc, v2FactoryIface, factory, 'getPair', [t0, t1]);
    await rpc.send(trader, t0, erc20.encodeFunctionData('transfer', [pair, rnd.logBig(5, 32)]));
    await rpc.send(trader, t1, erc20.encodeFunctionData('transfer', [pair, rnd.logBig(5, 32)]));
    await rpc.send(trader, pair, pairIface.encodeFunctionData('mint', [trader]));
    pairs.push({ pair, tokens: [t0, t1] });
  }
  log(`v2: ${pairCount} pairs deployed`);
  for (let s = 0; s < swaps; s++) {
    const { pair, tokens } = pairs[rnd.int(0, pairs.length - 1)];
    const [r0, r1] = await view(rpc, pairIface, pair, 'getReserves');
    const zeroForOne = rnd.next() < 0.5;
    const [rIn, rOut] = zeroForOne ? [r0, r1] : [r1, r0];
    const maxDigits = rIn.toString().length + 1;
    let amountIn = rnd.logBig(1, maxDigits);
    if (amountIn > 3n * rIn) amountIn = 3n * rIn + 1n;
    // The candidate boundary; the contract decides whether it is the boundary (out passes,
    // out + 1 reverts) and the C++ test compares macf's value with it.
    const out = (amountIn * 997n * rOut) / (rIn * 1000n + amountIn * 997n);
    await rpc.send(trader, tokens[zeroForOne ? 0 : 1], erc20.encodeFunctionData('transfer', [pair, amountIn]));
    const swapArgs = (o) => (zeroForOne ? [0n, o, trader, '0x'] : [o, 0n, trader, '0x']);
    const plusOne = await rpc.tryCall(trader, pair, pairIface.encodeFunctionData('swap', swapArgs(out + 1n)));
    if (plusOne.ok) throw new Error(`v2 swap ${s}: out + 1 = ${out + 1n} was accepted: the boundary is higher`);
    if (out > 0n) {
      const receipt = await rpc.send(trader, pair, pairIface.encodeFunctionData('swap', swapArgs(out)));
      const sync = receipt.logs.find((l) => l.topics[0] === SYNC_TOPIC);
      const [n0, n1] = pairIface.decodeEventLog('Sync', sync.data, sync.topics);
      const expected = zeroForOne ? [r0 + amountIn, r1 - out] : [r0 - out, r1 + amountIn];
      if (n0 !== expected[0] || n1 !== expected[1]) throw new Error(`v2 swap ${s}: unexpected Sync`);
    } else {
      await rpc.send(trader, pair, pairIface.encodeFunctionData('skim', [trader]));
    }
    lines.push(['v2', r0, r1, zeroForOne ? 1 : 0, amountIn, out, plusOne.reason.replace(/\s+/g, '_')].join(' '));
    if ((s + 1) % 100 === 0) log(`v2: ${s + 1}/${swaps} swaps`);
  }
}

function alignDown(t, spacing) {
  return Math.floor(t / spacing) * spacing;
}

async function mintRandomPosition(rpc, rnd, trader, callee, pool) {
  const { spacing, address } = pool;
  const [slot0] = [await view(rpc, poolIface, address, 'slot0')];
  const tick = Number(slot0[1]);
  const minTick = Math.ceil(MIN_TICK / spacing) * spacing;
  const maxTick = Math.floor(MAX_TICK / spacing) * spacing;
  let lower;
  let upper;
  if (rnd.next() < 0.15) {
    [lower, upper] = [minTick, maxTick];
  } else {
    const reach = spacing * rnd.int(1, 4000);
    lower = alignDown(tick - rnd.int(0, reach), spacing);
    upper = alignDown(tick + rnd.int(0, reach), spacing) + spacing * rnd.int(1, 50);
    lower = Math.max(lower, minTick);
    upper = Math.min(upper, maxTick);
    if (lower >= upper) upper = lower + spacing;
  }
  const liquidity = rnd.logBig(12, 24);
  const calleeIface = pool.calleeIface;
  await rpc.send(trader, callee, calleeIface.encodeFunctionData('mint', [address, lower, upper, liquidity]));
  pool.positions.push({ lower, upper, liquidity });
  pool.ticks.add(lower);
  pool.ticks.add(upper);
}

async function runV3(rpc, rnd, owner, trader, swaps, lines, log) {
  const callee = compile(path.join(__dirname, 'V3Callee.sol'), 'V3Callee');
  const calleeIface = new Interface(callee.abi);
  const calleeAddress = await rpc.deploy(owner, callee.bytecode, callee.abi);
  const factory = await rpc.deploy(owner, V3Factory.bytecode, V3Factory.abi);
  await rpc.send(owner, factory, v3FactoryIface.encodeFunctionData('enableFeeAmount', [100, 1]));
  const pools = [];
  const poolCount = Math.max(1, Math.min(12, Math.ceil(swaps / 40)));
  const fees = [100, 500, 3000, 10000];
  for (let i = 0; i < poolCount; i++) {
    const [t0, t1] = await newTokenPair(rpc, trader);
    for (const t of [t0, t1]) {
      await rpc.send(trader, t, erc20.encodeFunctionData('approve', [calleeAddress, TOKEN_SUPPLY]));
    }
    const fee = fees[i % fees.length];
    await rpc.send(owner, factory, v3FactoryIface.encodeFunctionData('createPool', [t0, t1, fee]));
    const [address] = await view(rpc, v3FactoryIface, factory, 'getPool', [t0, t1, fee]);
    const exponent = -8 + 16 * rnd.next();
    const sqrtPrice = BigInt(Math.floor(Math.sqrt(10 ** exponent) * 2 ** 52)) << 44n;
    await rpc.send(owner, address, poolIface.encodeFunctionData('initialize', [sqrtPrice]));
    const pool = { address, fee, spacing: SPACING[fee], positions: [], ticks: new Set(), calleeIface };
    const positions = rnd.int(2, 8);
    for (let p = 0; p < positions; p++) await mintRandomPosition(rpc, rnd, trader, calleeAddress, pool);
    pools.push(pool);
  }
  log(`v3: ${poolCount} pools deployed`);
  for (let s = 0; s < swaps; s++) {
    const pool = pools[rnd.int(0, pools.length - 1)];
    const action = rnd.next();
    if (action < 0.05) {
      await mintRandomPosition(rpc, rnd, trader, calleeAddress, pool);
    } else if (action < 0.08 && pool.positions.length > 0) {
      const pos = pool.positions[rnd.int(0, pool.positions.length - 1)];
      const amount = pos.liquidity / BigInt(rnd.int(1, 4));
      if (amount > 0n) await rpc.send(trader, pool.address, poolIface.encodeFunctionData('burn', [pos.lower, pos.upper, amount]));
      pos.liquidity -= amount;
    }
    const tickList = [...pool.ticks].sort((a, b) => a - b);
    const reads = await rpc.batch([
      ['eth_call', [{ to: pool.address, data: poolIface.encodeFunctionData('slot0') }, 'latest']],
      ['eth_call', [{ to: pool.address, data: poolIface.encodeFunctionData('liquidity') }, 'latest']],
      ...tickList.map((t) => ['eth_call', [{ to: pool.address, data: poolIface.encodeFunctionData('ticks', [t]) }, 'latest']]),
    ]);
    const slot0 = poolIface.decodeFunctionResult('slot0', reads[0]);
    const [liquidity] = poolIface.decodeFunctionResult('liquidity', reads[1]);
    const initialized = [];
    tickList.forEach((t, i) => {
      const info = poolIface.decodeFunctionResult('ticks', reads[2 + i]);
      if (info[0] > 0n) initialized.push([t, info[1]]);
    });
    const sqrtPrice = slot0[0];
    const zeroForOne = rnd.next() < 0.5;
    const exactInput = rnd.next() < 0.6;
    // Mostly amounts on the scale of the pool's liquidity; 5 % anything up to 10^26 (these walk
    // far through the tick range, word by word).
    const scale = liquidity.toString().length;
    const amount = rnd.next() < 0.05 ? rnd.logBig(1, 26) : rnd.logBig(1, Math.max(2, scale + 1));
    let limit = zeroForOne ? MIN_SQRT_RATIO + 1n : MAX_SQRT_RATIO - 1n;
    const limitKind = rnd.next();
    if (limitKind < 0.3) {
      const u = BigInt(rnd.int(1, 500000000));
      limit = zeroForOne ? sqrtPrice - (sqrtPrice * u) / 1000000000n : sqrtPrice + (sqrtPrice * u) / 1000000000n;
      // Clamped to the representable range; a limit at a bound itself reverts 'SPL'.
      if (limit < MIN_SQRT_RATIO) limit = MIN_SQRT_RATIO;
      if (limit > MAX_SQRT_RATIO) limit = MAX_SQRT_RATIO;
    } else if (limitKind < 0.35) {
      limit = zeroForOne ? sqrtPrice + 1n : sqrtPrice - 1n;  // wrong side: 'SPL'
    }
    const specified = exactInput ? amount : -amount;
    const data = calleeIface.encodeFunctionData('swap', [pool.address, zeroForOne, specified, limit]);
    const prefix = ['v3', pool.fee, pool.spacing, sqrtPrice, liquidity, slot0[1], initialized.length,
      ...initialized.flat(), zeroForOne ? 1 : 0, exactInput ? 1 : 0, amount, limit];
    const probe = await rpc.tryCall(trader, calleeAddress, data);
    if (!probe.ok) {
      lines.push([...prefix, 'revert', probe.reason.replace(/\s+/g, '_')].join(' '));
    } else {
      const receipt = await rpc.send(trader, calleeAddress, data);
      const log1 = receipt.logs.find((l) => l.topics[0] === SWAP_TOPIC);
      const ev = poolIface.decodeEventLog('Swap', log1.data, log1.topics);
      lines.push([...prefix, 'ok', ev.amount0, ev.amount1, ev.sqrtPriceX96, ev.liquidity, ev.tick].join(' '));
    }
    if ((s + 1) % 100 === 0) log(`v3: ${s + 1}/${swaps} swaps`);
  }
}

async function main() {
  const args = parseArgs(process.argv);
  const url = process.env.MACF_RPC_URL;
  if (!url) throw new Error('MACF_RPC_URL is not set (run through tools/evm/with-node.sh)');
  fs.rmSync(args.out, { force: true });  // never leave a stale record behind a failed run
  const rpc = new Rpc(url);
  const rnd = makeRandom(args.seed);
  const [owner, trader] = await rpc.call('eth_accounts');
  const started = Date.now();
  const log = (m) => console.error(`[${((Date.now() - started) / 1000).toFixed(1)} s] ${m}`);
  const lines = [`# macf differential record: seed ${args.seed}, node ${await rpc.call('web3_clientVersion')}`];
  await runV2(rpc, rnd, owner, trader, args.v2Swaps, lines, log);
  await runV3(rpc, rnd, owner, trader, args.v3Swaps, lines, log);
  fs.writeFileSync(args.out, lines.join('\n') + '\n');
  log(`wrote ${lines.length - 1} swaps to ${args.out}`);
}

main().catch((e) => {
  console.error(`differential.js: ${e.stack || e.message}`);
  process.exit(1);
});
