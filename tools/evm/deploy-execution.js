// SPDX-License-Identifier: Apache-2.0
// Test-only: the execution fixture on the local node at $MACF_RPC_URL. Real Uniswap V2 and V3
// factories; a WETH stand-in W and tokens A, B, C (v2-core's test ERC20); two planted price
// dislocations across a V2 pair and a V3 pool (W/A: V3 priced 3 % above V2; W/B: 2 %);
// lenders that hold W outside those routes (a V2 pair W/C, a V3 pool W/C at fee 500, and the
// real Balancer V2 Vault from @balancer-labs/v2-deployments holding W, and an Aave V3 market
// from @aave/core-v3 with W supplied); and
// macf's executor contract (contracts/MacfExecutor.sol, compiled with the pinned npm solc)
// deployed by the executor owner, Hardhat's account #2, whose key the test gives macf.
//   node deploy-execution.js --out FILE
'use strict';

const fs = require('fs');
const path = require('path');
const { Interface } = require('ethers');
const { Rpc, compile } = require('./rpc');
const { deployAave } = require('./aave');

const V2Factory = require('@uniswap/v2-core/build/UniswapV2Factory.json');
const V2Pair = require('@uniswap/v2-core/build/UniswapV2Pair.json');
const ERC20 = require('@uniswap/v2-core/build/ERC20.json');
const V3Factory = require('@uniswap/v3-core/artifacts/contracts/UniswapV3Factory.sol/UniswapV3Factory.json');
const V3Pool = require('@uniswap/v3-core/artifacts/contracts/UniswapV3Pool.sol/UniswapV3Pool.json');
// The real Balancer V2 Vault and its Authorizer as deployed on mainnet (npm artifacts).
const Authorizer = require('@balancer-labs/v2-deployments/dist/tasks/20210418-authorizer/artifact/Authorizer.json');
const Vault = require('@balancer-labs/v2-deployments/dist/tasks/20210418-vault/artifact/Vault.json');

const erc20 = new Interface(ERC20.abi);
const pairIface = new Interface(V2Pair.abi);
const v2FactoryIface = new Interface(V2Factory.abi);
const v3FactoryIface = new Interface(V3Factory.abi);
const poolIface = new Interface(V3Pool.abi);
const SUPPLY = 1n << 200n;
const E18 = 10n ** 18n;

async function view(rpc, iface, to, name, args = []) {
  const data = await rpc.call('eth_call', [{ to, data: iface.encodeFunctionData(name, args) }, 'latest']);
  return iface.decodeFunctionResult(name, data);
}

/// sqrt(price) · 2^96 for price = token1 per token0, exact enough for a test fixture.
function sqrtPriceX96(price) {
  const scaled = BigInt(Math.round(Math.sqrt(price) * 2 ** 52));
  return scaled << 44n;
}

async function main() {
  const outIndex = process.argv.indexOf('--out');
  if (outIndex < 0 || !process.argv[outIndex + 1]) throw new Error('--out FILE is required');
  const rpc = new Rpc(process.env.MACF_RPC_URL);
  const [deployer, trader, owner] = await rpc.call('eth_accounts');
  const callee = compile(path.join(__dirname, 'V3Callee.sol'), 'V3Callee');
  const calleeIface = new Interface(callee.abi);
  const calleeAddress = await rpc.deploy(deployer, callee.bytecode, callee.abi);
  const v2Factory = await rpc.deploy(deployer, V2Factory.bytecode, V2Factory.abi, [deployer]);
  const v3Factory = await rpc.deploy(deployer, V3Factory.bytecode, V3Factory.abi);
  const names = ['W', 'A', 'B', 'C'];
  const token = {};
  for (const n of names) {
    token[n] = await rpc.deploy(trader, ERC20.bytecode, ERC20.abi, [SUPPLY]);
    await rpc.send(trader, token[n], erc20.encodeFunctionData('approve', [calleeAddress, SUPPLY]));
  }
  const sorted = (a, b) => (BigInt(token[a]) < BigInt(token[b]) ? [a, b] : [b, a]);

  async function v2Pair(a, b, amount) {
    await rpc.send(deployer, v2Factory, v2FactoryIface.encodeFunctionData('createPair', [token[a], token[b]]));
    const [pair] = await view(rpc, v2FactoryIface, v2Factory, 'getPair', [token[a], token[b]]);
    await rpc.send(trader, token[a], erc20.encodeFunctionData('transfer', [pair, amount]));
    await rpc.send(trader, token[b], erc20.encodeFunctionData('transfer', [pair, amount]));
    await rpc.send(trader, pair, pairIface.encodeFunctionData('mint', [trader]));
    return pair;
  }

  /// A V3 pool of a/b whose price (token1 per token0) is `premium` times V2's 1:1 in favour
  /// of `a`'s side, with a full-range and a concentrated position.
  async function v3Pool(a, b, fee, spacing, priceOfBInA) {
    const [t0, t1] = sorted(a, b);
    await rpc.send(deployer, v3Factory, v3FactoryIface.encodeFunctionData('createPool', [token[t0], token[t1], fee]));
    const [pool] = await view(rpc, v3FactoryIface, v3Factory, 'getPool', [token[t0], token[t1], fee]);
    // price = t1 per t0; priceOfBInA is how many a one b costs.
    const price = t0 === b ? priceOfBInA : 1 / priceOfBInA;
    await rpc.send(deployer, pool, poolIface.encodeFunctionData('initialize', [sqrtPriceX96(price)]));
    const full = Math.floor(887272 / spacing) * spacing;
    for (const [lower, upper, liquidity] of [[-full, full, 10n ** 21n],
      [-spacing * 100, spacing * 100, 2n * 10n ** 22n]]) {
      await rpc.send(trader, calleeAddress, calleeIface.encodeFunctionData('mint', [pool, lower, upper, liquidity]));
    }
    return pool;
  }

  const pairs = { WA: await v2Pair('W', 'A', 1000n * E18), WB: await v2Pair('W', 'B', 1000n * E18),
    WC: await v2Pair('W', 'C', 5000n * E18) };
  const pools = { WA: await v3Pool('W', 'A', 3000, 60, 1.03), WB: await v3Pool('W', 'B', 3000, 60, 1.02),
    WC: await v3Pool('W', 'C', 500, 10, 1.0) };

  // The Balancer V2 Vault (flash-loan fee 0, as on mainnet), holding 2000 W it can lend.
  const authorizer = await rpc.deploy(deployer, Authorizer.bytecode, Authorizer.abi, [deployer]);
  const vault = await rpc.deploy(deployer, Vault.bytecode, Vault.abi, [authorizer, token.W, 0, 0]);
  await rpc.send(trader, token.W, erc20.encodeFunctionData('transfer', [vault, 2000n * E18]));

  // An Aave V3 market (npm @aave/core-v3) with W listed and 3000 W supplied, premium 5 bps.
  const aave = await deployAave(rpc, deployer, token.W, trader, 3000n * E18);

  const executor = compile(path.join(__dirname, '..', '..', 'contracts', 'MacfExecutor.sol'), 'MacfExecutor');
  const executorAddress = await rpc.deploy(owner, executor.bytecode, executor.abi);
  const fixture = {
    v2_factory: v2Factory, v3_factory: v3Factory, callee: calleeAddress, trader, owner,
    executor: executorAddress, balancer_vault: vault, aave_pool: aave.pool, aave_atoken: aave.aToken,
    aave_premium_bps: aave.premiumBps, tokens: token, v2_pairs: pairs, v3_pools: pools,
    block: Number(BigInt(await rpc.call('eth_blockNumber'))),
  };
  fs.writeFileSync(process.argv[outIndex + 1], JSON.stringify(fixture, null, 1));
  console.error(`deploy-execution: executor ${executorAddress} owned by ${owner}, block ${fixture.block}`);
}

main().catch((e) => {
  console.error(`deploy-execution.js: ${e.stack || e.message}`);
  process.exit(1);
});
