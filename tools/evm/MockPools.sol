// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.26;

// TEST ONLY. Stand-ins with the read interface and the events of a Curve plain pool and of the
// Balancer V2 Vault, whose balances move in ways the events do not fully say (an admin fee, a
// protocol fee): macf must read them again after each of their events. The pools' exchange math
// is proven elsewhere (mainnet quotes); these check the follower's mechanics only.

contract MockCurvePool {
    uint256[2] public balances;
    address[2] public coins;
    uint256 public A;
    uint256 public fee;

    event TokenExchange(address indexed buyer, int128 sold_id, uint256 tokens_sold, int128 bought_id, uint256 tokens_bought);

    constructor(address coin0, address coin1, uint256 b0, uint256 b1, uint256 a, uint256 swapFee) {
        coins = [coin0, coin1];
        balances = [b0, b1];
        A = a;
        fee = swapFee;
    }

    /// Moves the balances as an exchange of dx for dy that also keeps `adminFee` of coin j.
    function exchange(int128 i, int128 j, uint256 dx, uint256 dy, uint256 adminFee) external {
        balances[uint128(i)] += dx;
        balances[uint128(j)] -= dy + adminFee;
        emit TokenExchange(msg.sender, i, dx, j, dy);
    }
}

contract MockVault {
    mapping(bytes32 => address[]) private tokens_;
    mapping(bytes32 => uint256[]) private balances_;

    event Swap(bytes32 indexed poolId, address indexed tokenIn, address indexed tokenOut, uint256 amountIn, uint256 amountOut);

    function register(bytes32 poolId, address[] calldata tokens, uint256[] calldata balances) external {
        tokens_[poolId] = tokens;
        balances_[poolId] = balances;
    }

    function getPoolTokens(bytes32 poolId) external view returns (address[] memory, uint256[] memory, uint256) {
        return (tokens_[poolId], balances_[poolId], block.number);
    }

    /// Moves the balances as a swap whose input loses `protocolFee` on the way.
    function swap(bytes32 poolId, uint256 i, uint256 j, uint256 amountIn, uint256 amountOut, uint256 protocolFee) external {
        balances_[poolId][i] += amountIn - protocolFee;
        balances_[poolId][j] -= amountOut;
        emit Swap(poolId, tokens_[poolId][i], tokens_[poolId][j], amountIn, amountOut);
    }
}

contract MockWeightedPool {
    bytes32 public getPoolId;
    uint256 public getSwapFeePercentage;

    constructor(bytes32 poolId, uint256 swapFee) {
        getPoolId = poolId;
        getSwapFeePercentage = swapFee;
    }
}
