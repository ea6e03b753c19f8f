// SPDX-License-Identifier: Apache-2.0
// Resident memory of `macf serve` under many /stream WebSocket clients, each sending the largest
// message the server accepts (1 KiB) and then one just above it (which closes that client).
//   node scripts/measure-stream-rss.js MACF_BINARY [CLIENTS] [MESSAGES_EACH]
// Needs the `ws` package of tools/evm (scripts/setup.sh test installs it). macf serve runs with
// an unreachable node (it keeps retrying the initial sync; the API answers meanwhile).
'use strict';
const path = require('path');
const fs = require('fs');
const os = require('os');
const { spawn } = require('child_process');
const WebSocket = require(path.join(__dirname, '..', 'tools', 'evm', 'node_modules', 'ws'));

const [binary, clientsArg, messagesArg] = process.argv.slice(2);
if (!binary) {
    console.error('usage: measure-stream-rss.js MACF_BINARY [CLIENTS] [MESSAGES_EACH]');
    process.exit(2);
}
const clients = Number(clientsArg || 1000);
const messages = Number(messagesArg || 10);

function rssKiB(pid) {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    return Number(/VmRSS:\s+(\d+)/.exec(status)[1]);
}

async function main() {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'macf-rss-'));
    const config = path.join(dir, 'serve.toml');
    fs.writeFileSync(config, [
        '[node]', 'rpc = "http://127.0.0.1:1/"', 'attempts = 1', '[[discovery.v2_factories]]',
        'address = "0x0000000000000000000000000000000000000002"', '[engine]',
        'weth = "0x0000000000000000000000000000000000000001"', '[api]',
        'listen = "127.0.0.1:0"', 'rate_limit_per_s = 100000', 'burst = 100000', ''].join('\n'));
    const serve = spawn(binary, ['serve', '--config', config], { stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    const port = await new Promise((resolve, reject) => {
        serve.stderr.on('data', (d) => {
            log += d;
            const m = /\(port (\d+)\)/.exec(log);
            if (m) resolve(Number(m[1]));
        });
        serve.on('exit', () => reject(new Error('serve exited: ' + log)));
        setTimeout(() => reject(new Error('no port in the log: ' + log)), 10000);
    });
    await new Promise((r) => setTimeout(r, 500));
    const idle = rssKiB(serve.pid);
    const sockets = [];
    for (let i = 0; i < clients; ++i) {
        const ws = new WebSocket(`ws://127.0.0.1:${port}/stream`);
        sockets.push(await new Promise((resolve, reject) => {
            ws.on('open', () => resolve(ws));
            ws.on('error', reject);
        }));
    }
    const connected = rssKiB(serve.pid);
    const largest = 'x'.repeat(1024);
    for (let k = 0; k < messages; ++k) for (const ws of sockets) ws.send(largest);
    await new Promise((r) => setTimeout(r, 1500));
    const afterLargest = rssKiB(serve.pid);
    let closed = 0;
    for (const ws of sockets) ws.on('close', () => ++closed);
    for (const ws of sockets) ws.send('x'.repeat(1025));
    await new Promise((r) => setTimeout(r, 2000));
    const afterTooLarge = rssKiB(serve.pid);
    console.log(JSON.stringify({
        clients, messages_each: messages, idle_rss_mib: +(idle / 1024).toFixed(1),
        connected_rss_mib: +(connected / 1024).toFixed(1),
        after_largest_messages_rss_mib: +(afterLargest / 1024).toFixed(1),
        after_oversized_rss_mib: +(afterTooLarge / 1024).toFixed(1),
        closed_by_oversized: closed,
    }));
    for (const ws of sockets) ws.terminate();
    serve.kill('SIGTERM');
    await new Promise((r) => serve.on('exit', r));
    fs.rmSync(dir, { recursive: true, force: true });
}

main().catch((e) => {
    console.error(e.message);
    process.exit(1);
});
