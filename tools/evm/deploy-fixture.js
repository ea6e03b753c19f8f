// SPDX-License-Identifier: Apache-2.0
// Test-only: deploys the real Uniswap V2 and V3 factories on the local node at $MACF_RPC_URL,
// a few tokens, V2 pairs with liquidity and initialized V3 pools with positions, approves the
// V3 callee, and writes the addresses as a fixture JSON for the C++ chain-sync test.
//   node deploy-fixture.js --out FILE
'use strict';

const fs = require('fs');
const path = require('path');
const { Interface } = require('ethers');
const { Rpc, compile } = require('./rpc');

const V2Factory = require('@uniswap/v2-core/build/UniswapV2Factory.json');
const V2Pair = require('@uniswap/v2-core/build/UniswapV2Pair.json');
const ERC20 = require('@uniswap/v2-core/build/ERC20.json');
const V3Factory = require('@uniswap/v3-core/artifacts/contracts/UniswapV3Factory.sol/UniswapV3Factory.json');
const V3Pool = require('@uniswap/v3-core/artifacts/contracts/UniswapV3Pool.sol/UniswapV3Pool.json');

const erc20 = new Interface(ERC20.abi);
const pairIface = new Interface(V2Pair.abi);
const v2FactoryIface = new Interface(V2Factory.abi);
const v3FactoryIface = new Interface(V3Factory.abi);
const poolIface = new Interface(V3Pool.abi);
const SUPPLY = 1n << 200n;

async function view(rpc, iface, to, name, args = []) {
  const data = await rpc.call('eth_call', [{ to, data: iface.encodeFunctionData(name, args) }, 'latest']);
  return iface.decodeFunctionResult(name, data);
}

async function main() {
  const outIndex = process.argv.indexOf('--out');
  if (outIndex < 0 || !process.argv[outIndex + 1]) throw new Error('--out FILE is required');
  const out = process.argv[outIndex + 1];
  const rpc = new Rpc(process.env.MACF_RPC_URL);
  const [owner, trader] = await rpc.call('eth_accounts');
  const callee = compile(path.join(__dirname, 'V3Callee.sol'), 'V3Callee');
  const calleeIface = new Interface(callee.abi);
  const calleeAddress = await rpc.deploy(owner, callee.bytecode, callee.abi);
  const v2Factory = await rpc.deploy(owner, V2Factory.bytecode, V2Factory.abi, [owner]);
  const v3Factory = await rpc.deploy(owner, V3Factory.bytecode, V3Factory.abi);
  const tokens = [];
  for (let i = 0; i < 4; i++) {
    const t = await rpc.deploy(trader, ERC20.bytecode, ERC20.abi, [SUPPLY]);
    await rpc.send(trader, t, erc20.encodeFunctionData('approve', [calleeAddress, SUPPLY]));
    tokens.push(t);
  }
  tokens.sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1));
  const pairs = [];
  for (const [a, b] of [[0, 1], [1, 2], [0, 3]]) {
    await rpc.send(owner, v2Factory, v2FactoryIface.encodeFunctionData('createPair', [tokens[a], tokens[b]]));
    const [pair] = await view(rpc, v2FactoryIface, v2Factory, 'getPair', [tokens[a], tokens[b]]);
    await rpc.send(trader, tokens[a], erc20.encodeFunctionData('transfer', [pair, 10n ** 24n * BigInt(a + 1)]));
    await rpc.send(trader, tokens[b], erc20.encodeFunctionData('transfer', [pair, 10n ** 24n * BigInt(b + 2)]));
    await rpc.send(trader, pair, pairIface.encodeFunctionData('mint', [trader]));
    pairs.push(pair);
  }
  const pools = [];
  for (const [a, b, fee, spacing] of [[0, 1, 500, 10], [1, 2, 3000, 60], [0, 2, 10000, 200]]) {
    await rpc.send(owner, v3Factory, v3FactoryIface.encodeFunctionData('createPool', [tokens[a], tokens[b], fee]));
    const [pool] = await view(rpc, v3FactoryIface, v3Factory, 'getPool', [tokens[a], tokens[b], fee]);
    await rpc.send(owner, pool, poolIface.encodeFunctionData('initialize', [1n << 96n]));
    const positions = [];
    for (const [lower, upper, liquidity] of [[-spacing * 20, spacing * 20, 10n ** 22n],
      [-spacing * 200, -spacing * 5, 10n ** 21n], [spacing * 5, spacing * 300, 3n * 10n ** 21n],
      [Math.ceil(-887272 / spacing) * spacing, Math.floor(887272 / spacing) * spacing, 10n ** 20n]]) {
      await rpc.send(trader, calleeAddress, calleeIface.encodeFunctionData('mint', [pool, lower, upper, liquidity]));
      positions.push({ lower, upper });
    }
    pools.push({ address: pool, fee, spacing, positions });
  }
  // Stand-ins for a Curve pool and a Balancer pool in a Vault (see MockPools.sol).
  const mocks = path.join(__dirname, 'MockPools.sol');
  const curveMock = compile(mocks, 'MockCurvePool');
  const vaultMock = compile(mocks, 'MockVault');
  const poolMock = compile(mocks, 'MockWeightedPool');
  const curve = await rpc.deploy(owner, curveMock.bytecode, curveMock.abi,
    [tokens[0], tokens[1], 10n ** 24n, 2n * 10n ** 24n, 200n, 4000000n]);
  const vault = await rpc.deploy(owner, vaultMock.bytecode, vaultMock.abi);
  const balancer = await rpc.deploy(owner, poolMock.bytecode, poolMock.abi, ['0x' + 'ab'.repeat(32), 3n * 10n ** 15n]);
  await rpc.send(owner, vault, new Interface(vaultMock.abi).encodeFunctionData('register',
    ['0x' + 'ab'.repeat(32), [tokens[2], tokens[3]], [5n * 10n ** 23n, 7n * 10n ** 23n]]));
  // A pool created but never initialized: followed, but it has no price to snapshot yet.
  await rpc.send(owner, v3Factory, v3FactoryIface.encodeFunctionData('createPool', [tokens[1], tokens[3], 500]));
  const fixture = {
    v2_factory: v2Factory, v3_factory: v3Factory, callee: calleeAddress, owner, trader,
    tokens, v2_pairs: pairs, v3_pools: pools,
    curve_mock: curve, vault_mock: vault, balancer_mock: balancer, balancer_pool_id: '0x' + 'ab'.repeat(32),
    block: Number(BigInt(await rpc.call('eth_blockNumber'))),
  };
  fs.writeFileSync(out, JSON.stringify(fixture, null, 1));
  console.error(`deploy-fixture: ${pairs.length} V2 pairs, ${pools.length} V3 pools at block ${fixture.block}`);
}

main().catch((e) => {
  console.error(`deploy-fixture.js: ${e.stack || e.message}`);
  process.exit(1);
});
