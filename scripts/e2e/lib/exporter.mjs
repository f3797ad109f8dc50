// A stand-in for dcgm-exporter + node_exporter: serves fixed Prometheus text on loopback, and
// can be stopped (connections refused) and started again on the same port.
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { REPO_ROOT, freePort } from './node.mjs';

export function fixture(name) {
  return readFileSync(join(REPO_ROOT, 'scripts', 'e2e', 'fixtures', name), 'utf8');
}

export async function fakeExporter(text) {
  const port = await freePort();
  let server = null;
  let scrapes = 0;
  const exporter = {
    port,
    url: `http://127.0.0.1:${port}/metrics`,
    get scrapes() { return scrapes; },
    async start() {
      if (server) return;
      server = createServer((req, res) => {
        if (req.url !== '/metrics') { res.writeHead(404).end(); return; }
        scrapes += 1;
        res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(text);
      });
      await new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, '127.0.0.1', resolve);
      });
    },
    async stop() {
      if (!server) return;
      const closing = new Promise((resolve) => server.close(resolve));
      server.closeAllConnections();
      await closing;
      server = null;
    },
  };
  await exporter.start();
  return exporter;
}
