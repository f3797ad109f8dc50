// A real depin-node --dev (RocksDB in a temp folder, loopback ports) driven by polkadot.js.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { u8aConcat, stringToU8a, u8aToHex, hexToU8a } from '@polkadot/util';
import { encodeAddress } from '@polkadot/util-crypto';

import { startNode, rpc, rpcCall, waitFor, bestNumber, finalizedNumber } from '../lib/node.mjs';
import { connect, devKeyring, sendAndFinalize, freeBalance, waitForFinalizedHeight } from '../lib/chain.mjs';

const DPN = 10n ** 12n;
// PalletId(*b"dpn/trsy").into_account_truncating(): "modl" ++ id, zero-padded to 32 bytes.
const TREASURY = encodeAddress(u8aConcat(stringToU8a('modl'), stringToU8a('dpn/trsy'), new Uint8Array(20)), 42);

describe('dev chain', { timeout: 600_000 }, () => {
  let node;
  let api;
  let keys;

  before(async () => {
    node = await startNode({ name: 'dev', args: ['--dev'] });
    api = await connect(node.wsUrl);
    keys = await devKeyring();
  });

  after(async () => {
    await api?.disconnect();
    await node?.stop();
  });

  it('serves metadata that polkadot.js decodes, with every runtime API it relies on', async () => {
    assert.equal(api.runtimeVersion.specName.toString(), 'depin');
    assert.ok(api.runtimeMetadata.version >= 14, `metadata v${api.runtimeMetadata.version}`);
    const versions = (await api.call.metadata.metadataVersions()).map((v) => v.toNumber());
    assert.ok(versions.includes(14) && versions.includes(15), `versions ${versions}`);
    const v15 = await api.call.metadata.metadataAtVersion(15);
    assert.ok(v15.isSome && v15.unwrap().length > 10_000);

    for (const [section, method] of [
      ['balances', 'transferKeepAlive'], ['sudo', 'sudo'], ['utility', 'batchAll'], ['timestamp', 'set'],
    ]) {
      assert.equal(typeof api.tx[section][method], 'function', `${section}.${method}`);
    }
    for (const pallet of ['system', 'timestamp', 'aura', 'grandpa', 'balances', 'transactionPayment', 'sudo']) {
      assert.ok(api.query[pallet], `storage of ${pallet}`);
    }

    // The runtime APIs polkadot.js, wallets and the node itself call.
    for (const section of [
      'core', 'metadata', 'blockBuilder', 'taggedTransactionQueue', 'offchainWorkerApi', 'auraApi',
      'grandpaApi', 'sessionKeys', 'accountNonceApi', 'transactionPaymentApi',
      'transactionPaymentCallApi', 'genesisBuilder',
    ]) {
      assert.ok(api.call[section], `runtime API ${section}`);
    }
    const presets = (await api.call.genesisBuilder.presetNames()).map((p) => p.toString());
    assert.deepEqual(presets.sort(), ['development', 'local_testnet']);
    assert.equal((await api.call.auraApi.slotDuration()).toNumber(), 6000);
    assert.equal((await api.call.grandpaApi.grandpaAuthorities()).length, 1);
    assert.equal((await api.call.accountNonceApi.accountNonce(keys.bob.address)).toNumber(), 0);
  });

  it('names the token DPN with 12 decimals and SS58 format 42', async () => {
    const props = await api.rpc.system.properties();
    assert.deepEqual(props.tokenSymbol.unwrap().map((s) => s.toString()), ['DPN']);
    assert.deepEqual(props.tokenDecimals.unwrap().map((d) => d.toNumber()), [12]);
    assert.equal(props.ss58Format.unwrap().toNumber(), 42);
    assert.deepEqual(api.registry.chainTokens, ['DPN']);
    assert.deepEqual(api.registry.chainDecimals, [12]);
    assert.equal(api.registry.chainSS58, 42);
    assert.equal((await api.rpc.system.chain()).toString(), 'DePIN Development');
  });

  it('authors a block in every 6-second slot and finalizes them', async () => {
    // The subscription first reports the current best block; watch four blocks authored after.
    const heads = [];
    let unsub;
    await new Promise((resolve, reject) => {
      let first = true;
      api.rpc.chain.subscribeNewHeads((header) => {
        if (first) { first = false; return; }
        heads.push(header);
        if (heads.length === 4) resolve();
      }).then((u) => { unsub = u; }, reject);
    });
    unsub();
    const slots = [];
    const stamps = [];
    for (const header of heads) {
      const at = await api.at(header.hash);
      slots.push((await at.query.aura.currentSlot()).toBigInt());
      stamps.push((await at.query.timestamp.now()).toNumber());
    }
    for (let i = 1; i < heads.length; i++) {
      assert.equal(heads[i].number.toNumber(), heads[i - 1].number.toNumber() + 1);
      assert.equal(slots[i] - slots[i - 1], 1n, `slots ${slots}`);
      const gap = stamps[i] - stamps[i - 1];
      assert.ok(gap > 5_000 && gap < 7_000, `block interval ${gap} ms`);
    }
    const last = heads.at(-1).number.toNumber();
    await waitForFinalizedHeight(api, last, 60_000);
  });

  it('finalizes a transferKeepAlive to a new account; balances move by exactly amount and fee', async () => {
    const dest = keys.fresh('transfer-dest');
    const amount = 12n * DPN + 345_678_901_234n;

    const { blockHash, events, fee } = await sendAndFinalize(
      api, api.tx.balances.transferKeepAlive(dest.address, amount), keys.alice,
    );
    const parentHash = (await api.rpc.chain.getHeader(blockHash)).parentHash;

    const aliceBefore = await freeBalance(api, keys.alice.address, parentHash);
    const aliceAfter = await freeBalance(api, keys.alice.address, blockHash);
    const destBefore = await freeBalance(api, dest.address, parentHash);
    const destAfter = await freeBalance(api, dest.address, blockHash);
    const treasuryBefore = await freeBalance(api, TREASURY, parentHash);
    const treasuryAfter = await freeBalance(api, TREASURY, blockHash);
    const issuanceBefore = (await (await api.at(parentHash)).query.balances.totalIssuance()).toBigInt();
    const issuanceAfter = (await (await api.at(blockHash)).query.balances.totalIssuance()).toBigInt();

    assert.ok(fee > 0n, 'a fee was charged');
    assert.equal(aliceBefore - aliceAfter, amount + fee);
    assert.equal(destBefore, 0n);
    assert.equal(destAfter, amount);
    // Fees go to the treasury account: no funds are created or destroyed by a transfer.
    assert.equal(treasuryAfter - treasuryBefore, fee);
    assert.equal(issuanceAfter, issuanceBefore);

    const transfer = events.find(({ event }) => api.events.balances.Transfer.is(event));
    assert.ok(transfer, 'Balances.Transfer emitted');
    assert.equal(transfer.event.data.from.toString(), keys.alice.address);
    assert.equal(transfer.event.data.to.toString(), dest.address);
    assert.equal(transfer.event.data.amount.toBigInt(), amount);
    assert.ok(events.some(({ event }) => api.events.system.NewAccount.is(event)));
  });

  it('returns JSON-RPC errors for garbage and wrongly signed extrinsics and keeps going', async () => {
    const garbage = await rpcCall(node.rpcPort, 'author_submitExtrinsic', ['0xdeadbeef']);
    assert.ok(garbage.error, `garbage accepted: ${JSON.stringify(garbage)}`);
    assert.equal(typeof garbage.error.code, 'number');

    const notHex = await rpcCall(node.rpcPort, 'author_submitExtrinsic', ['not hex at all']);
    assert.ok(notHex.error, JSON.stringify(notHex));

    // A correctly built transfer whose signature is corrupted: layout after the length prefix is
    // version (1) | MultiAddress::Id (1 + 32) | MultiSignature::Sr25519 (1 + 64) | ...
    const tx = api.tx.balances.transferKeepAlive(keys.bob.address, DPN);
    await tx.signAsync(keys.alice, { nonce: -1 });
    const bytes = hexToU8a(tx.toHex());
    const lengthPrefix = bytes.length - tx.toU8a(true).length;
    const sigStart = lengthPrefix + 1 + 33 + 1;
    assert.equal(bytes[lengthPrefix], 0x84, 'signed v4 extrinsic');
    assert.equal(bytes[sigStart - 1], 0x01, 'sr25519 signature');
    bytes[sigStart + 10] ^= 0xff;
    const forged = await rpcCall(node.rpcPort, 'author_submitExtrinsic', [u8aToHex(bytes)]);
    assert.ok(forged.error, `forged signature accepted: ${JSON.stringify(forged)}`);
    assert.equal(forged.error.code, 1010, JSON.stringify(forged.error));
    assert.match(JSON.stringify(forged.error), /bad signature/i);

    // The node is unharmed: it keeps authoring and finalizing.
    const best = await bestNumber(node.rpcPort);
    await waitFor('two more finalized blocks', async () => (await finalizedNumber(node.rpcPort)) >= best + 2,
      { timeoutMs: 60_000 });
    assert.equal(node.exited, null);
  });

  it('serves system_accountNextIndex, payment_* and grandpa_* over JSON-RPC', async () => {
    const { methods } = await rpc(node.rpcPort, 'rpc_methods');
    for (const m of [
      'system_accountNextIndex', 'payment_queryInfo', 'payment_queryFeeDetails',
      'grandpa_roundState', 'grandpa_proveFinality', 'grandpa_subscribeJustifications',
      'author_submitExtrinsic', 'state_getMetadata', 'chain_getFinalizedHead',
    ]) {
      assert.ok(methods.includes(m), `missing ${m}`);
    }
    const nonce = await rpc(node.rpcPort, 'system_accountNextIndex', [keys.alice.address]);
    assert.equal(nonce, (await api.query.system.account(keys.alice.address)).nonce.toNumber());

    const tx = api.tx.balances.transferKeepAlive(keys.bob.address, DPN);
    await tx.signAsync(keys.charlie, { nonce: -1 });
    const info = await rpc(node.rpcPort, 'payment_queryInfo', [tx.toHex()]);
    assert.ok(BigInt(info.partialFee) > 0n, JSON.stringify(info));

    const round = await rpc(node.rpcPort, 'grandpa_roundState');
    assert.equal(round.setId, 0);
    assert.ok(round.best.round >= 1, JSON.stringify(round));
  });

  it('keeps the chain in RocksDB and exports Prometheus metrics', async () => {
    const db = join(node.basePath, 'chains', 'depin_dev', 'db', 'full');
    assert.ok(existsSync(join(db, 'CURRENT')), `no RocksDB at ${db}`);
    assert.ok(readdirSync(db).some((f) => f.startsWith('MANIFEST-')), 'RocksDB manifest');

    const metrics = await (await fetch(`http://127.0.0.1:${node.prometheusPort}/metrics`)).text();
    assert.match(metrics, /substrate_block_height\{status="finalized"/);
    assert.match(metrics, /substrate_block_height\{status="best"/);
  });

  it('serves the depin_* explorer methods to a node limited to safe RPC methods', async () => {
    const safe = await startNode({ name: 'safe-rpc', args: ['--dev', '--rpc-methods', 'safe'] });
    try {
      const stats = await rpc(safe.rpcPort, 'depin_networkStats');
      assert.equal(stats.epochLength, 10);
      assert.equal(stats.totalIssuance, stats.genesisIssuance, 'nothing minted or burned yet');
      assert.equal(typeof stats.totalIssuance, 'string', 'balances are decimal strings');
      assert.equal((await rpc(safe.rpcPort, 'depin_epochLedger', [0])).epoch, 0);
      assert.deepEqual(await rpc(safe.rpcPort, 'depin_providers', [null, 10]), []);
      // Unsafe methods stay unavailable, so the limit is really on.
      assert.ok((await rpcCall(safe.rpcPort, 'author_rotateKeys')).error);
    } finally {
      await safe.stop();
    }
  });
});
