// Validators and governance on the 4-validator local network (scripts/local-net.sh), with the
// real polkadot.js client and no sudo key:
//  1. Eve runs a validator node with an empty keystore, generates keys (author_rotateKeysWithOwner),
//     registers them (session.setKeys) and bonds; a council motion admits her; she authors blocks
//     after the session change and GRANDPA moves to a set of five; finality never stops.
//  2. A motion removes Eve while Dave's GRANDPA double vote is reported (two prevotes signed with
//     his key, proven his by historical's key-ownership proof): Dave is slashed to the treasury
//     and both leave the set; finality continues with three.
//  3. A motion upgrades the runtime (authorizeUpgrade, then applyAuthorizedUpgrade) to the next
//     spec_version on a chain holding providers, a lease and ledgers whose providers storage is at
//     v1: the v1 -> v2 migration runs, every record is intact, blocks finalize, and polkadot.js
//     follows the upgrade and decodes the new metadata.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { u8aToHex, u8aConcat, bnToU8a } from '@polkadot/util';
import { blake2AsHex, decodeAddress, xxhashAsU8a } from '@polkadot/util-crypto';

import { localNet, localNetEnv, rpc, waitFor, finalizedNumber, TARGET_DIR } from '../lib/node.mjs';
import { connect, devKeyring, sendAndFinalize } from '../lib/chain.mjs';
import { councilMotion, doublePrevote, findEvent, keyOwnershipProof, sendInBlock } from '../lib/governance.mjs';

const NODES = ['alice', 'bob', 'charlie', 'dave', 'eve'];
const DPN = 1_000_000_000_000n;
const UPGRADE_WASM = join(process.env.UPGRADE_WASM_DIR || join(TARGET_DIR, 'upgrade-rehearsal'), 'depin_runtime.wasm');

describe('validators and governance on the local network', { timeout: 1_500_000 }, () => {
  let env;
  let api;
  let keys;
  const rpcPort = (name) => Number(env.DEPIN_RPC_PORT) + NODES.indexOf(name);

  before(async () => {
    env = await localNetEnv(5, 'depin-governance-');
    await localNet(env, 'start');
    keys = await devKeyring();
    api = await connect(`ws://127.0.0.1:${rpcPort('alice')}`);
    await waitFor('finalized height >= 2', async () => (await finalizedNumber(rpcPort('alice'))) >= 2,
      { timeoutMs: 180_000, intervalMs: 1_000 });
  });

  after(async () => {
    await api?.disconnect();
    if (!env) return;
    await localNet(env, 'stop').catch(() => {});
    console.log(`local network data and logs: ${env.DEPIN_NET_DIR}`);
  });

  const validators = async () => (await api.query.session.validators()).map((v) => v.toString());
  const grandpaAuthorities = async () => (await api.call.grandpaApi.grandpaAuthorities()).length;

  /** Finality keeps moving: it passes `blocks` more blocks within the time that takes. */
  async function finalityAdvances(blocks) {
    const from = await finalizedNumber(rpcPort('alice'));
    await waitFor(`finality past ${from + blocks}`, async () => (await finalizedNumber(rpcPort('alice'))) >= from + blocks,
      { timeoutMs: (blocks + 6) * 6_000 * 2, intervalMs: 1_000 });
  }

  /** The account whose Aura key authored block `hash` (slot mod authorities at its parent). */
  async function authorOf(hash) {
    const header = await api.rpc.chain.getHeader(hash);
    const preRuntime = header.digest.logs.find((log) => log.isPreRuntime && log.asPreRuntime[0].toString() === 'aura');
    const slot = api.createType('u64', preRuntime.asPreRuntime[1]).toBigInt();
    const authorities = await (await api.at(header.parentHash)).query.aura.authorities();
    return u8aToHex(authorities[Number(slot % BigInt(authorities.length))]);
  }

  it('admits a fifth validator by motion; it authors after the session change and finality never stops', async () => {
    const { alice, bob, eve } = keys;
    assert.equal((await api.query.sudo.key()).isNone, true, 'the local testnet has no sudo key');
    assert.deepEqual((await validators()).length, 4);

    // Eve's node: a validator with an empty keystore. It makes her keys and proves they are hers.
    await localNet(env, 'start-node', 'eve');
    const generated = await rpc(rpcPort('eve'), 'author_rotateKeysWithOwner', [u8aToHex(decodeAddress(eve.address))]);
    const sessionKeys = api.createType('DepinRuntimeSessionKeys', generated.keys);
    const minBond = api.consts.validatorManager.minValidatorBond.toBigInt();
    await sendAndFinalize(api, api.tx.utility.batchAll([
      api.tx.session.setKeys(sessionKeys, generated.proof),
      api.tx.validatorManager.bond(minBond),
    ]), eve);
    assert.equal((await api.query.session.nextKeys(eve.address)).unwrap().toHex(), sessionKeys.toHex());

    // One member's word is not enough: a signed call is refused.
    await assert.rejects(sendInBlock(api, api.tx.validatorManager.addValidator(eve.address), alice), /BadOrigin/);
    const events = await councilMotion(api, api.tx.validatorManager.addValidator(eve.address), alice, [bob]);
    const added = findEvent(api, events, 'validatorManager', 'ValidatorAdded');
    const effectiveFrom = added.data.effectiveFrom.toNumber();

    await waitFor(`session ${effectiveFrom} with eve`, async () => (await validators()).includes(eve.address),
      { timeoutMs: 300_000, intervalMs: 2_000 });
    assert.equal((await api.query.session.currentIndex()).toNumber(), effectiveFrom);
    assert.equal((await api.query.aura.authorities()).length, 5);
    await waitFor('GRANDPA set of five', async () => (await grandpaAuthorities()) === 5, { timeoutMs: 120_000 });

    // Eve's node authors a block of its own.
    const eveAura = sessionKeys.aura.toHex();
    let authored;
    await waitFor('a block authored by eve', async () => {
      const head = await api.rpc.chain.getHeader();
      if ((await authorOf(head.hash)) === eveAura) authored = head.number.toNumber();
      return authored !== undefined;
    }, { timeoutMs: 180_000, intervalMs: 3_000 });
    // The network finalizes past it with five voters, Eve's node among them.
    await waitFor(`block ${authored} finalized`, async () => (await finalizedNumber(rpcPort('alice'))) >= authored,
      { timeoutMs: 120_000, intervalMs: 1_000 });
    assert.ok((await finalizedNumber(rpcPort('eve'))) >= authored - 2, 'eve finalizes with the others');
  });

  it("removes eve by motion while dave's GRANDPA double vote is proven, slashed to the treasury and rotated out", async () => {
    const { alice, bob, eve, ferdie } = keys;
    const dave = keys.dave.address;
    const bondOf = async (who, at) => {
      const holds = await (at ? await api.at(at) : api).query.balances.holds(who);
      return holds.filter((h) => h.id.isValidatorManager).reduce((sum, h) => sum + h.amount.toBigInt(), 0n);
    };

    await councilMotion(api, api.tx.validatorManager.removeValidator(eve.address), alice, [bob]);

    // Two prevotes by Dave's GRANDPA key in one round, for the best block and its parent.
    const setId = (await api.call.grandpaApi.currentSetId()).toNumber();
    const head = await api.rpc.chain.getHeader();
    const parent = await api.rpc.chain.getHeader(head.parentHash);
    const { voter, proof } = await doublePrevote(setId, 1_000_000 + head.number.toNumber(), '//Dave', [
      { hash: head.hash, number: head.number.toNumber() },
      { hash: parent.hash, number: parent.number.toNumber() },
    ]);
    const keyOwnerProof = await keyOwnershipProof(api, setId, voter);
    assert.equal(keyOwnerProof.validatorCount.toNumber(), 5, 'proven against the session of five');

    const bondBefore = await bondOf(dave);
    const reportTx = api.tx.grandpa.reportEquivocation(proof, keyOwnerProof);
    const reported = await sendAndFinalize(api, reportTx, ferdie);
    const offence = findEvent(api, reported.events, 'offences', 'Offence');
    assert.equal(new TextDecoder().decode(offence.data.kind.toU8a()), 'grandpa:equivoca');
    const slashed = findEvent(api, reported.events, 'validatorManager', 'Slashed');
    assert.equal(slashed.data.who.toString(), dave);
    const amount = slashed.data.amount.toBigInt();
    // (3 · 1/5)² of the bond: one offender among five validators.
    assert.equal(amount, (bondBefore * 36n) / 100n);
    assert.equal(await bondOf(dave, reported.blockHash), bondBefore - amount);
    const parentOfReport = (await api.rpc.chain.getHeader(reported.blockHash)).parentHash;
    const treasuryAccount = slashed.data.beneficiary.toString();
    const at = async (hash) => api.at(hash);
    const free = async (hash, who) => (await (await at(hash)).query.system.account(who)).data.free.toBigInt();
    assert.ok((await free(reported.blockHash, treasuryAccount)) - (await free(parentOfReport, treasuryAccount)) >= amount);
    const issuance = async (hash) => (await (await at(hash)).query.balances.totalIssuance()).toBigInt();
    assert.equal(await issuance(reported.blockHash), await issuance(parentOfReport), 'a slash moves funds, it burns none');
    assert.ok(findEvent(api, reported.events, 'validatorManager', 'ValidatorRemoved'));

    // The same evidence again is refused; Dave is not slashed twice.
    await assert.rejects(sendInBlock(api, api.tx.grandpa.reportEquivocation(proof, keyOwnerProof), ferdie),
      /DuplicateOffenceReport/);
    assert.equal(await bondOf(dave), bondBefore - amount);

    await waitFor('a set of three', async () => (await validators()).length === 3, { timeoutMs: 300_000, intervalMs: 2_000 });
    assert.deepEqual((await validators()).sort(), [keys.alice.address, keys.bob.address, keys.charlie.address].sort());
    await waitFor('GRANDPA set of three', async () => (await grandpaAuthorities()) === 3, { timeoutMs: 120_000 });
    await finalityAdvances(3);
  });

  it('upgrades the runtime by motion; the providers v1 -> v3 migrations keep every record and polkadot.js follows', async () => {
    const { alice, bob, charlie, ferdie, eve } = keys;
    // State to keep: a provider with hardware, a lease, ledgers and balances.
    await sendAndFinalize(api, api.tx.utility.batchAll([
      api.tx.providers.register(200n * DPN, 'eu-west', 'upgrade rehearsal'),
      api.tx.providers.addGpus([{ uuidHash: blake2AsHex('GPU-rehearsal-1', 256), model: 'H100', vramMib: 81_559 }]),
      api.tx.providers.setCapacity(5_497_558_138_880n, 64),
      api.tx.providers.setPrices({ gpu: [['H100', 6n * DPN]], storageGib: DPN / 1000n, cpuCore: DPN / 20n }),
    ]), ferdie);
    const rented = await sendAndFinalize(api, api.tx.leases.rent(ferdie.address, {
      gpus: 1, gpuModel: 'H100', minVramMib: 80_000, storageGib: 0, cpuCores: 0,
    }, 20n * DPN), eve);
    const leaseId = findEvent(api, rented.events, 'leases', 'LeaseOpened').data.lease.toNumber();

    const snapshot = async (client) => ({
      provider: (await client.query.providers.providers(ferdie.address)).toHex(),
      lease: (await client.query.leases.leases(leaseId)).toHex(),
      ledgers: (await client.query.economics.ledgers.entries()).map(([k, v]) => [k.toHex(), v.toHex()]).sort(),
      accounts: await Promise.all([ferdie, eve].map(async (k) => (await client.query.system.account(k.address)).toHex())),
      totals: (await client.query.providers.totals()).toJSON(),
    });

    // The chain's providers storage as a chain created before the u128 widening holds it: Totals in
    // the v1 layout (u32, u32, u64) and storage version 1, put back by the same motion that
    // authorizes the upgrade (so nothing writes Totals between the two).
    const totals = await api.query.providers.totals();
    const v1Totals = u8aConcat(
      bnToU8a(totals.active.toNumber(), { bitLength: 32, isLe: true }),
      bnToU8a(totals.suspended.toNumber(), { bitLength: 32, isLe: true }),
      bnToU8a(totals.storageBytes.toBigInt(), { bitLength: 64, isLe: true }),
    );
    const versionKey = u8aToHex(u8aConcat(xxhashAsU8a('Providers', 128), xxhashAsU8a(':__STORAGE_VERSION__:', 128)));
    const code = readFileSync(UPGRADE_WASM);
    const codeHash = blake2AsHex(code, 256);
    const specBefore = api.runtimeVersion.specVersion.toNumber();
    const before = await snapshot(api);
    await councilMotion(api, api.tx.governance.dispatchAsRoot(api.tx.utility.batchAll([
      api.tx.system.setStorage([[api.query.providers.totals.key(), u8aToHex(v1Totals)], [versionKey, '0x0100']]),
      api.tx.system.authorizeUpgrade(codeHash),
    ])), alice, [bob]);
    assert.equal((await api.query.system.authorizedUpgrade()).unwrap().codeHash.toHex(), codeHash);

    // Anyone may enact the authorized code; the chain checks it is the one authorized.
    const enacted = await sendInBlock(api, api.tx.system.applyAuthorizedUpgrade(u8aToHex(code)), charlie, { timeoutMs: 180_000 });

    // The connected client sees the new version, refetches metadata and keeps reading.
    await waitFor('polkadot.js on the new runtime', async () => api.runtimeVersion.specVersion.toNumber() === specBefore + 1,
      { timeoutMs: 120_000, intervalMs: 1_000 });
    // The code changes with the upgrade's block; the next block runs the migrations under it.
    await waitFor('the migrations ran', async () =>
      (await api.query.system.lastRuntimeUpgrade()).unwrap().specVersion.toNumber() === specBefore + 1,
    { timeoutMs: 60_000, intervalMs: 1_000 });
    // v1 -> v2 (Totals widened) and v2 -> v3 (hardware audits keyed by auditor) both ran.
    assert.equal((await rpc(rpcPort('alice'), 'state_getStorage', [versionKey])), '0x0300', 'providers storage at v3');
    await finalityAdvances(3);

    // A fresh client (as an explorer starting now) decodes the new metadata, the upgrade's block
    // with the old runtime's and the state the migration left.
    const fresh = await connect(`ws://127.0.0.1:${rpcPort('bob')}`);
    try {
      assert.equal(fresh.runtimeVersion.specVersion.toNumber(), specBefore + 1);
      const enactedEvents = await (await fresh.at(enacted.blockHash)).query.system.events();
      assert.ok(findEvent(fresh, enactedEvents, 'system', 'CodeUpdated'), 'the upgrade block decodes');
      const after = await snapshot(fresh);
      assert.deepEqual(after.provider, before.provider);
      assert.deepEqual(after.lease, before.lease);
      assert.deepEqual(after.ledgers, before.ledgers);
      assert.deepEqual(after.totals, before.totals, 'Totals decoded in the v2 layout with the v1 figures');
      // The provider's and the consumer's accounts (free, held, nonce) did not move.
      assert.deepEqual(after.accounts, before.accounts);
      const remark = await sendAndFinalize(fresh, fresh.tx.system.remarkWithEvent('after the upgrade'), bob);
      assert.ok(findEvent(fresh, remark.events, 'system', 'Remarked'));
    } finally {
      await fresh.disconnect();
    }
  });
});
