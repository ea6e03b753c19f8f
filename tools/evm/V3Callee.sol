// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.26;

// TEST ONLY. Mints and swaps on a Uniswap V3 pool for an EOA that approved this contract; the
// callbacks pay from that EOA and trust any caller, so never deploy it anywhere real.

interface IERC20Minimal {
    function transferFrom(address from, address to, uint256 amount) external returns (bool);
}

interface IUniswapV3PoolMinimal {
    function token0() external view returns (address);
    function token1() external view returns (address);
    function mint(address recipient, int24 tickLower, int24 tickUpper, uint128 amount, bytes calldata data)
        external returns (uint256 amount0, uint256 amount1);
    function burn(int24 tickLower, int24 tickUpper, uint128 amount) external returns (uint256, uint256);
    function swap(address recipient, bool zeroForOne, int256 amountSpecified, uint160 sqrtPriceLimitX96,
        bytes calldata data) external returns (int256 amount0, int256 amount1);
}

contract V3Callee {
    function mint(address pool, int24 tickLower, int24 tickUpper, uint128 amount) external {
        IUniswapV3PoolMinimal(pool).mint(msg.sender, tickLower, tickUpper, amount, abi.encode(msg.sender));
    }

    function swap(address pool, bool zeroForOne, int256 amountSpecified, uint160 sqrtPriceLimitX96)
        external returns (int256 amount0, int256 amount1)
    {
        return IUniswapV3PoolMinimal(pool).swap(msg.sender, zeroForOne, amountSpecified, sqrtPriceLimitX96,
            abi.encode(msg.sender));
    }

    function uniswapV3MintCallback(uint256 amount0, uint256 amount1, bytes calldata data) external {
        pay(data, amount0, amount1);
    }

    function uniswapV3SwapCallback(int256 amount0, int256 amount1, bytes calldata data) external {
        pay(data, amount0 > 0 ? uint256(amount0) : 0, amount1 > 0 ? uint256(amount1) : 0);
    }

    function pay(bytes calldata data, uint256 amount0, uint256 amount1) internal {
        address payer = abi.decode(data, (address));
        IUniswapV3PoolMinimal pool = IUniswapV3PoolMinimal(msg.sender);
        if (amount0 > 0) require(IERC20Minimal(pool.token0()).transferFrom(payer, msg.sender, amount0), "pay0");
        if (amount1 > 0) require(IERC20Minimal(pool.token1()).transferFrom(payer, msg.sender, amount1), "pay1");
    }
}
