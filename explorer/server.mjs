#!/usr/bin/env node
// The explorer's static server: zero dependencies (node:http), serves public/, Chart.js from
// node_modules as /vendor/chart.umd.js, and /config.json telling the page which node to talk to.
//
//   node server.mjs [--port 8080] [--host 127.0.0.1] [--rpc ws://127.0.0.1:9944]
//
// Tests start it in-process: `const { url, close } = await startExplorer({ port: 0, rpc })`.
import { createServer } from 'node:http';
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { dirname, extname, join, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const HERE = dirname(fileURLToPath(import.meta.url));
export const PUBLIC_DIR = join(HERE, 'public');
const CHART_JS = join(HERE, 'node_modules', 'chart.js', 'dist', 'chart.umd.js');
export const DEFAULT_RPC = 'ws://127.0.0.1:9944';

const CONTENT_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
};

/** The node URL the page may connect to: ws:// or wss:// only. */
function checkRpcUrl(rpc) {
  let url;
  try {
    url = new URL(rpc);
  } catch {
    throw new Error(`--rpc: not a URL: ${rpc}`);
  }
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:') throw new Error(`--rpc: must be ws:// or wss://, not ${url.protocol}`);
  return url;
}

function securityHeaders(rpcUrl) {
  return {
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'x-frame-options': 'DENY',
    // Scripts only from this server; the page may open a WebSocket to the configured node only.
    'content-security-policy': [
      "default-src 'self'",
      "script-src 'self'",
      // Chart.js sets inline styles on its canvases.
      "style-src 'self' 'unsafe-inline'",
      "img-src 'self' data:",
      `connect-src 'self' ${rpcUrl.origin}`,
      "base-uri 'none'",
      "form-action 'self'",
      "frame-ancestors 'none'",
    ].join('; '),
  };
}

/** The file a request path maps to inside public/, or null (traversal, bad encoding, NUL). */
export function resolvePublicPath(pathname, root = PUBLIC_DIR) {
  let decoded;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  if (decoded.endsWith('/')) decoded += 'index.html';
  const file = resolve(root, '.' + (decoded.startsWith('/') ? decoded : '/' + decoded));
  return file.startsWith(root + sep) ? file : null;
}

function send(res, status, body, headers = {}, head = false) {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, {
    'content-type': headers['content-type'] ?? 'text/plain; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-cache',
    ...headers,
  });
  res.end(head ? undefined : text);
}

async function sendFile(req, res, file, baseHeaders, root) {
  let real;
  let info;
  try {
    // Symlinks must not lead out of the folder either.
    real = await realpath(file);
    info = await stat(real);
  } catch {
    return send(res, 404, 'not found\n', baseHeaders, req.method === 'HEAD');
  }
  if (!info.isFile() || !(real === root || real.startsWith(root + sep))) {
    return send(res, 404, 'not found\n', baseHeaders, req.method === 'HEAD');
  }
  res.writeHead(200, {
    ...baseHeaders,
    'content-type': CONTENT_TYPES[extname(real).toLowerCase()] ?? 'application/octet-stream',
    'content-length': info.size,
    'cache-control': 'no-cache',
    'last-modified': info.mtime.toUTCString(),
  });
  if (req.method === 'HEAD') return res.end();
  const stream = createReadStream(real);
  stream.on('error', () => res.destroy());
  stream.pipe(res);
}

/** The request handler (exported for tests that mount it themselves). */
export function explorerHandler({ rpc = DEFAULT_RPC } = {}) {
  const rpcUrl = checkRpcUrl(rpc);
  const baseHeaders = securityHeaders(rpcUrl);
  const config = JSON.stringify({ rpc }) + '\n';
  const publicRoot = PUBLIC_DIR;
  const vendorRoot = dirname(CHART_JS);
  return (req, res) => {
    const head = req.method === 'HEAD';
    if (req.method !== 'GET' && !head) {
      return send(res, 405, 'method not allowed\n', { ...baseHeaders, allow: 'GET, HEAD' });
    }
    let pathname;
    try {
      pathname = new URL(req.url, 'http://explorer.invalid').pathname;
    } catch {
      return send(res, 400, 'bad request\n', baseHeaders, head);
    }
    if (pathname === '/config.json') {
      return send(res, 200, config, { ...baseHeaders, 'content-type': CONTENT_TYPES['.json'] }, head);
    }
    if (pathname === '/vendor/chart.umd.js') return sendFile(req, res, CHART_JS, baseHeaders, vendorRoot);
    const file = resolvePublicPath(pathname, publicRoot);
    if (!file) return send(res, 404, 'not found\n', baseHeaders, head);
    return sendFile(req, res, file, baseHeaders, publicRoot);
  };
}

/**
 * Starts the explorer. `port` 0 (the default here) takes any free port. Resolves to
 * { url, port, close() } once listening; close() resolves when the server has stopped.
 */
export async function startExplorer({ port = 0, host = '127.0.0.1', rpc = DEFAULT_RPC } = {}) {
  const server = createServer(explorerHandler({ rpc }));
  await new Promise((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolveListen();
    });
  });
  const { port: actualPort } = server.address();
  const hostInUrl = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${hostInUrl}:${actualPort}/`,
    port: actualPort,
    server,
    close: () => new Promise((resolveClose) => {
      server.close(() => resolveClose());
      // Keep-alive connections (the browser's) would hold close() open.
      server.closeAllConnections?.();
    }),
  };
}

async function main() {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '8080' },
      host: { type: 'string', default: '127.0.0.1' },
      rpc: { type: 'string', default: DEFAULT_RPC },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log('usage: node server.mjs [--port 8080 (0: any free port)] [--host 127.0.0.1] [--rpc ws://127.0.0.1:9944]');
    return;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port: not a port: ${values.port}`);
  const explorer = await startExplorer({ port, host: values.host, rpc: values.rpc });
  console.log(`depin explorer: ${explorer.url} (node ${values.rpc})`);
  const stop = () => explorer.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().catch((error) => {
    console.error(error.message);
    process.exit(1);
  });
}
