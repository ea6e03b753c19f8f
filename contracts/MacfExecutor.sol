// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.26;

// macf's executor: runs one 2–4 hop cycle across Uniswap V2 pairs (and forks with their fee)
// and Uniswap V3 pools atomically, with the start token borrowed from a flash source (a V2
// flash swap, a V3 pool's flash, the Balancer V2 Vault or an Aave V3 pool). It reverts unless
// the start token left after repaying the loan is at least `minProfit`, and sends that profit
// to the owner in the same transaction: it keeps nothing, holds no one else's funds, and the
// owner can sweep anything sent to it by mistake. Only the owner may call it.
//
// A route's hops are packed, 43 bytes each: kind (1: 0 = V2, 1 = V3) | pool (20) |
// token out (20) | fee (2: V2 fee in basis points, e.g. 30; unused for V3).

interface IERC20 {
    function balanceOf(address) external view returns (uint256);
    function transfer(address, uint256) external returns (bool);
    function approve(address, uint256) external returns (bool);
}

interface IUniswapV2Pair {
    function getReserves() external view returns (uint112, uint112, uint32);
    function token0() external view returns (address);
    function swap(uint256 amount0Out, uint256 amount1Out, address to, bytes calldata data) external;
}

interface IUniswapV3Pool {
    function token0() external view returns (address);
    function swap(address recipient, bool zeroForOne, int256 amountSpecified, uint160 sqrtPriceLimitX96,
                  bytes calldata data) external returns (int256, int256);
    function flash(address recipient, uint256 amount0, uint256 amount1, bytes calldata data) external;
}

interface IBalancerVault {
    function flashLoan(address recipient, address[] calldata tokens, uint256[] calldata amounts,
                       bytes calldata userData) external;
}

interface IAavePool {
    function flashLoanSimple(address receiver, address asset, uint256 amount, bytes calldata params,
                             uint16 referralCode) external;
}

contract MacfExecutor {
    uint8 internal constant SOURCE_V2 = 0;
    uint8 internal constant SOURCE_V3 = 1;
    uint8 internal constant SOURCE_BALANCER = 2;
    uint8 internal constant SOURCE_AAVE = 3;
    uint8 internal constant HOP_V2 = 0;
    uint8 internal constant HOP_V3 = 1;
    uint256 internal constant HOP_BYTES = 43;
    uint160 internal constant MIN_SQRT_RATIO_PLUS_ONE = 4295128740;
    uint160 internal constant MAX_SQRT_RATIO_MINUS_ONE = 1461446703485210103287273052203988822378723970341;

    // Transient slots: the lender whose callback is expected, the V3 pool whose swap callback
    // is expected (both cleared by the end of the transaction).
    uint256 internal constant LENDER_SLOT = 0x6d616366;
    uint256 internal constant POOL_SLOT = 0x6d616367;

    address public immutable owner;

    error NotOwner();
    error UnexpectedCallback();
    error BadRoute();
    error ProfitBelowMinimum(uint256 profit, uint256 minProfit);
    error PartialFill(uint256 used, uint256 amountIn);
    error CannotRepay(uint256 balance, uint256 owed);

    constructor() {
        owner = msg.sender;
    }

    modifier onlyOwner() {
        if (msg.sender != owner) revert NotOwner();
        _;
    }

    /// Borrows `amount` of `token` from `lender` (a source kind above; `lenderFee` is the V2
    /// lender's fee in basis points), runs the hops, repays, and sends the profit to the
    /// owner; reverts unless the profit is at least `minProfit` (token units, wei).
    function execute(uint8 source, address lender, uint256 lenderFee, address token, uint256 amount,
                     uint256 minProfit, bytes calldata hops) external onlyOwner returns (uint256 profit) {
        if (hops.length == 0 || hops.length % HOP_BYTES != 0 || hops.length / HOP_BYTES > 4) revert BadRoute();
        uint256 before = IERC20(token).balanceOf(address(this));
        bytes memory data = abi.encode(token, amount, lenderFee, hops);
        _expect(LENDER_SLOT, lender);
        if (source == SOURCE_V2) {
            bool zero = IUniswapV2Pair(lender).token0() == token;
            IUniswapV2Pair(lender).swap(zero ? amount : 0, zero ? 0 : amount, address(this), data);
        } else if (source == SOURCE_V3) {
            bool zero = IUniswapV3Pool(lender).token0() == token;
            IUniswapV3Pool(lender).flash(address(this), zero ? amount : 0, zero ? 0 : amount, data);
        } else if (source == SOURCE_BALANCER) {
            address[] memory tokens = new address[](1);
            uint256[] memory amounts = new uint256[](1);
            tokens[0] = token;
            amounts[0] = amount;
            IBalancerVault(lender).flashLoan(address(this), tokens, amounts, data);
        } else if (source == SOURCE_AAVE) {
            IAavePool(lender).flashLoanSimple(address(this), token, amount, data, 0);
        } else {
            revert BadRoute();
        }
        _expect(LENDER_SLOT, address(0));
        uint256 balance = IERC20(token).balanceOf(address(this));
        profit = balance > before ? balance - before : 0;
        if (profit < minProfit) revert ProfitBelowMinimum(profit, minProfit);
        _transfer(token, owner, profit);
    }

    /// Sends this contract's whole balance of `token` to the owner.
    function sweep(address token) external onlyOwner {
        _transfer(token, owner, IERC20(token).balanceOf(address(this)));
    }

    // ---- flash-loan callbacks ----

    function uniswapV2Call(address sender, uint256, uint256, bytes calldata data) external {
        _checkLender(sender);
        (address token, uint256 amount, uint256 feeBps, bytes memory hops) =
            abi.decode(data, (address, uint256, uint256, bytes));
        _run(token, amount, hops);
        // The smallest repayment the pair's K check accepts: ceil(amount · 10000 / (10000 − fee)).
        uint256 repay = (amount * 10000 + (10000 - feeBps) - 1) / (10000 - feeBps);
        _repay(token, msg.sender, repay);
    }

    function uniswapV3FlashCallback(uint256 fee0, uint256 fee1, bytes calldata data) external {
        _checkLender(address(this));
        (address token, uint256 amount,, bytes memory hops) = abi.decode(data, (address, uint256, uint256, bytes));
        _run(token, amount, hops);
        _repay(token, msg.sender, amount + fee0 + fee1);
    }

    function receiveFlashLoan(address[] calldata, uint256[] calldata, uint256[] calldata feeAmounts,
                              bytes calldata data) external {
        _checkLender(address(this));
        (address token, uint256 amount,, bytes memory hops) = abi.decode(data, (address, uint256, uint256, bytes));
        _run(token, amount, hops);
        _repay(token, msg.sender, amount + feeAmounts[0]);
    }

    function executeOperation(address, uint256, uint256 premium, address initiator, bytes calldata data)
        external returns (bool) {
        _checkLender(initiator);
        (address token, uint256 amount,, bytes memory hops) = abi.decode(data, (address, uint256, uint256, bytes));
        _run(token, amount, hops);
        uint256 owed = amount + premium;
        uint256 balance = IERC20(token).balanceOf(address(this));
        if (balance < owed) revert CannotRepay(balance, owed);
        IERC20(token).approve(msg.sender, owed);  // the pool pulls the repayment
        return true;
    }

    function uniswapV3SwapCallback(int256 amount0Delta, int256 amount1Delta, bytes calldata data) external {
        if (msg.sender != _load(POOL_SLOT)) revert UnexpectedCallback();
        address tokenIn = abi.decode(data, (address));
        uint256 owed = uint256(amount0Delta > 0 ? amount0Delta : amount1Delta);
        _transfer(tokenIn, msg.sender, owed);
    }

    // ---- internals ----

    /// Runs the hops from `amountIn` of `token`; returns what the last hop paid out.
    function _run(address token, uint256 amountIn, bytes memory hops) internal returns (uint256 amount) {
        amount = amountIn;
        address tokenIn = token;
        uint256 n = hops.length / HOP_BYTES;
        for (uint256 i = 0; i < n; ++i) {
            uint256 at = i * HOP_BYTES;
            uint8 kind = uint8(hops[at]);
            address pool = _address(hops, at + 1);
            address tokenOut = _address(hops, at + 21);
            uint256 fee = (uint256(uint8(hops[at + 41])) << 8) | uint8(hops[at + 42]);
            if (kind == HOP_V2) {
                amount = _swapV2(pool, tokenIn, tokenOut, amount, fee);
            } else if (kind == HOP_V3) {
                amount = _swapV3(pool, tokenIn, tokenOut, amount);
            } else {
                revert BadRoute();
            }
            tokenIn = tokenOut;
        }
        if (tokenIn != token) revert BadRoute();
    }

    function _swapV2(address pair, address tokenIn, address tokenOut, uint256 amountIn, uint256 feeBps)
        internal returns (uint256 amountOut) {
        (uint112 r0, uint112 r1,) = IUniswapV2Pair(pair).getReserves();
        bool zeroForOne = tokenIn < tokenOut;
        (uint256 reserveIn, uint256 reserveOut) = zeroForOne ? (uint256(r0), uint256(r1)) : (uint256(r1), uint256(r0));
        uint256 inWithFee = amountIn * (10000 - feeBps);
        amountOut = inWithFee * reserveOut / (reserveIn * 10000 + inWithFee);
        _transfer(tokenIn, pair, amountIn);
        IUniswapV2Pair(pair).swap(zeroForOne ? 0 : amountOut, zeroForOne ? amountOut : 0, address(this), "");
    }

    function _swapV3(address pool, address tokenIn, address tokenOut, uint256 amountIn)
        internal returns (uint256 amountOut) {
        bool zeroForOne = tokenIn < tokenOut;
        _expect(POOL_SLOT, pool);
        (int256 a0, int256 a1) = IUniswapV3Pool(pool).swap(address(this), zeroForOne, int256(amountIn),
            zeroForOne ? MIN_SQRT_RATIO_PLUS_ONE : MAX_SQRT_RATIO_MINUS_ONE, abi.encode(tokenIn));
        _expect(POOL_SLOT, address(0));
        uint256 used = uint256(zeroForOne ? a0 : a1);
        if (used != amountIn) revert PartialFill(used, amountIn);
        amountOut = uint256(-(zeroForOne ? a1 : a0));
    }

    /// Pays the lender back; a route that lost money cannot, and says by how much.
    function _repay(address token, address lender, uint256 owed) internal {
        uint256 balance = IERC20(token).balanceOf(address(this));
        if (balance < owed) revert CannotRepay(balance, owed);
        _transfer(token, lender, owed);
    }

    function _checkLender(address initiator) internal view {
        if (msg.sender != _load(LENDER_SLOT) || initiator != address(this)) revert UnexpectedCallback();
    }

    function _transfer(address token, address to, uint256 amount) internal {
        (bool ok, bytes memory ret) = token.call(abi.encodeWithSelector(IERC20.transfer.selector, to, amount));
        require(ok && (ret.length == 0 || abi.decode(ret, (bool))), "transfer failed");
    }

    function _address(bytes memory b, uint256 at) internal pure returns (address a) {
        assembly {
            a := shr(96, mload(add(add(b, 32), at)))
        }
    }

    function _expect(uint256 slot, address value) internal {
        assembly {
            tstore(slot, value)
        }
    }

    function _load(uint256 slot) internal view returns (address value) {
        assembly {
            value := tload(slot)
        }
    }
}
