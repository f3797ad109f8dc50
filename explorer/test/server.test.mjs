// Tests of the static server (node --test test/server.test.mjs): files, types, config, methods,
// and that no path leads out of public/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';

import { startExplorer, resolvePublicPath, PUBLIC_DIR } from '../server.mjs';

let explorer;
before(async () => { explorer = await startExplorer({ port: 0, rpc: 'ws://127.0.0.1:9955' }); });
after(async () => { await explorer?.close(); });

/** A raw request (fetch would normalise "/../" away before sending it). */
function raw(method, path) {
  const { hostname, port } = new URL(explorer.url);
  return new Promise((resolve, reject) => {
    const req = request({ hostname, port, method, path }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('serves the page, its modules and Chart.js with their content types', async () => {
  const index = await raw('GET', '/');
  assert.equal(index.status, 200);
  assert.match(index.headers['content-type'], /^text\/html/);
  assert.match(index.body, /<script type="module" src="app.js">/);
  assert.match(index.headers['content-security-policy'], /connect-src 'self' ws:\/\/127\.0\.0\.1:9955/);
  for (const [path, type] of [['/app.js', /^text\/javascript/], ['/format.js', /^text\/javascript/], ['/style.css', /^text\/css/],
    ['/favicon.svg', /^image\/svg\+xml/], ['/vendor/chart.umd.js', /^text\/javascript/]]) {
    const res = await raw('GET', path);
    assert.equal(res.status, 200, path);
    assert.match(res.headers['content-type'], type, path);
    assert.equal(res.headers['x-content-type-options'], 'nosniff');
  }
  assert.match((await raw('GET', '/vendor/chart.umd.js')).body, /Chart\.js v4\./);
});

test('config.json names the node; HEAD has headers and no body', async () => {
  const config = await raw('GET', '/config.json?x=1');
  assert.equal(config.status, 200);
  assert.deepEqual(JSON.parse(config.body), { rpc: 'ws://127.0.0.1:9955' });
  const head = await raw('HEAD', '/app.js');
  assert.equal(head.status, 200);
  assert.equal(head.body, '');
  assert.ok(Number(head.headers['content-length']) > 1000);
});

test('only GET and HEAD', async () => {
  for (const method of ['POST', 'PUT', 'DELETE']) {
    const res = await raw(method, '/');
    assert.equal(res.status, 405, method);
    assert.equal(res.headers.allow, 'GET, HEAD');
  }
});

test('no path leads out of public/', async () => {
  for (const path of ['/../server.mjs', '/..%2fserver.mjs', '/%2e%2e/package.json', '/%2e%2e%2f%2e%2e%2fetc%2fpasswd',
    '/vendor/../../package.json', '/..\\server.mjs', '/%5c..%5cserver.mjs', '/app.js%00.css', '/%E0%A4%A', '/node_modules/chart.js/package.json',
    '/vendor/chart.umd.js.map', '/test/dashboard.mjs', '/nothing-here']) {
    const res = await raw('GET', path);
    assert.equal(res.status, 404, path);
    assert.doesNotMatch(res.body, /import|root:|"name"/, path);
  }
  assert.equal(resolvePublicPath('/../x'), null);
  assert.equal(resolvePublicPath('/a/../../x'), null);
  assert.equal(resolvePublicPath('/a/../app.js'), `${PUBLIC_DIR}/app.js`);
  assert.equal(resolvePublicPath('/'), `${PUBLIC_DIR}/index.html`);
});
