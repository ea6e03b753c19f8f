// SPDX-License-Identifier: Apache-2.0
// Test-only: deploys a minimal Aave V3 market from the npm artifacts of @aave/core-v3 (the
// audited Pool, PoolConfigurator, PoolAddressesProvider, ACLManager, AToken and debt tokens,
// with the logic libraries linked) on the local node, lists one asset with flash loans
// enabled at a 5 bps premium (as on mainnet), and supplies liquidity to it.
'use strict';

const { Interface } = require('ethers');

const base = '@aave/core-v3/artifacts/contracts/';
const artifact = (p) => require(base + p);
const Provider = artifact('protocol/configuration/PoolAddressesProvider.sol/PoolAddressesProvider.json');
const ACLManager = artifact('protocol/configuration/ACLManager.sol/ACLManager.json');
const Pool = artifact('protocol/pool/Pool.sol/Pool.json');
const Configurator = artifact('protocol/pool/PoolConfigurator.sol/PoolConfigurator.json');
const AToken = artifact('protocol/tokenization/AToken.sol/AToken.json');
const StableDebt = artifact('protocol/tokenization/StableDebtToken.sol/StableDebtToken.json');
const VariableDebt = artifact('protocol/tokenization/VariableDebtToken.sol/VariableDebtToken.json');
const RateStrategy = artifact('protocol/pool/DefaultReserveInterestRateStrategy.sol/DefaultReserveInterestRateStrategy.json');
const libraryNames = ['BorrowLogic', 'BridgeLogic', 'EModeLogic', 'FlashLoanLogic', 'LiquidationLogic',
  'PoolLogic', 'SupplyLogic', 'ConfiguratorLogic'];

/// `bytecode` with each linked library's placeholder replaced by its address.
function link(art, addresses) {
  let code = art.bytecode.startsWith('0x') ? art.bytecode.slice(2) : art.bytecode;
  for (const libs of Object.values(art.linkReferences)) {
    for (const [name, refs] of Object.entries(libs)) {
      if (!addresses[name]) throw new Error(`library ${name} is not deployed`);
      for (const { start, length } of refs) {
        code = code.slice(0, start * 2) + addresses[name].slice(2).toLowerCase() + code.slice((start + length) * 2);
      }
    }
  }
  return code;
}

async function view(rpc, iface, to, name, args = []) {
  const data = await rpc.call('eth_call', [{ to, data: iface.encodeFunctionData(name, args) }, 'latest']);
  return iface.decodeFunctionResult(name, data);
}

/// Deploys the market; lists `asset` (18 decimals) and has `supplier` supply `amount` of it.
/// Returns { pool, premiumBps }.
async function deployAave(rpc, admin, asset, supplier, amount) {
  const providerIface = new Interface(Provider.abi);
  const provider = await rpc.deploy(admin, Provider.bytecode, Provider.abi, ['macf-test', admin]);
  await rpc.send(admin, provider, providerIface.encodeFunctionData('setACLAdmin', [admin]));
  const acl = await rpc.deploy(admin, ACLManager.bytecode, ACLManager.abi, [provider]);
  await rpc.send(admin, provider, providerIface.encodeFunctionData('setACLManager', [acl]));
  const aclIface = new Interface(ACLManager.abi);
  await rpc.send(admin, acl, aclIface.encodeFunctionData('addPoolAdmin', [admin]));

  const libs = {};
  for (const name of libraryNames) {
    const art = artifact(`protocol/libraries/logic/${name}.sol/${name}.json`);
    // FlashLoanLogic links BorrowLogic, which comes first in the list.
    libs[name] = await rpc.deploy(admin, link(art, libs), art.abi);
  }
  const poolImpl = await rpc.deploy(admin, link(Pool, libs), Pool.abi, [provider]);
  await rpc.send(admin, provider, providerIface.encodeFunctionData('setPoolImpl', [poolImpl]));
  const [pool] = await view(rpc, providerIface, provider, 'getPool');
  const configuratorImpl = await rpc.deploy(admin, link(Configurator, libs), Configurator.abi);
  await rpc.send(admin, provider, providerIface.encodeFunctionData('setPoolConfiguratorImpl', [configuratorImpl]));
  const [configurator] = await view(rpc, providerIface, provider, 'getPoolConfigurator');

  const ray = 10n ** 27n;
  const strategy = await rpc.deploy(admin, RateStrategy.bytecode, RateStrategy.abi,
    [provider, ray * 8n / 10n, 0n, ray * 4n / 100n, ray * 75n / 100n, ray * 2n / 100n, ray * 75n / 100n,
      ray * 2n / 100n, ray * 5n / 100n, ray * 2n / 10n]);
  const aToken = await rpc.deploy(admin, AToken.bytecode, AToken.abi, [pool]);
  const stableDebt = await rpc.deploy(admin, StableDebt.bytecode, StableDebt.abi, [pool]);
  const variableDebt = await rpc.deploy(admin, VariableDebt.bytecode, VariableDebt.abi, [pool]);
  const configIface = new Interface(Configurator.abi);
  await rpc.send(admin, configurator, configIface.encodeFunctionData('initReserves', [[{
    aTokenImpl: aToken, stableDebtTokenImpl: stableDebt, variableDebtTokenImpl: variableDebt,
    underlyingAssetDecimals: 18, interestRateStrategyAddress: strategy, underlyingAsset: asset,
    treasury: admin, incentivesController: '0x0000000000000000000000000000000000000000',
    aTokenName: 'aW', aTokenSymbol: 'aW', variableDebtTokenName: 'vW', variableDebtTokenSymbol: 'vW',
    stableDebtTokenName: 'sW', stableDebtTokenSymbol: 'sW', params: '0x',
  }]]));
  await rpc.send(admin, configurator, configIface.encodeFunctionData('setReserveFlashLoaning', [asset, true]));
  await rpc.send(admin, configurator, configIface.encodeFunctionData('updateFlashloanPremiumTotal', [5]));

  const erc20 = new Interface(['function approve(address,uint256) returns (bool)']);
  await rpc.send(supplier, asset, erc20.encodeFunctionData('approve', [pool, amount]));
  const poolIface = new Interface(Pool.abi);
  await rpc.send(supplier, pool, poolIface.encodeFunctionData('supply', [asset, amount, supplier, 0]));
  const [premium] = await view(rpc, poolIface, pool, 'FLASHLOAN_PREMIUM_TOTAL');
  const [reserve] = await view(rpc, poolIface, pool, 'getReserveData', [asset]);
  return { pool, premiumBps: Number(premium), aToken: reserve.aTokenAddress };
}

module.exports = { deployAave };
