// GPU attestation on a real dev node with polkadot.js. The test makes its own P-384 CA (a
// synthetic one from a seed: `depin-node synthetic-ca` prints its root certificate), which
// governance (sudo on the dev chain) registers as a root. The node's built-in probe answers each
// GPU's nonce with reports signed under that CA (`--gpu-attestation-probe synthetic:<seed>`); the
// worker reads them through a relay (`--gpu-attestation-source`) that, like a provider renting
// someone else's machine, answers the relaying provider's nonce with a report for the honest
// provider's nonce. The honest provider's GPUs show as attested; the relayed one is refused.
// An order that requires attestation is filled only by attested GPUs.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { compactAddLength, stringToU8a, u8aConcat, u8aToHex } from '@polkadot/util';
import { blake2AsHex } from '@polkadot/util-crypto';

import { NODE_BIN, startNode, rpc, waitFor, freePort } from '../lib/node.mjs';
import { connect, devKeyring, reportingKeyProof, sendAndFinalize, DispatchFailed } from '../lib/chain.mjs';

const DPN = 10n ** 12n;
const MODEL = 'NVIDIA H100 80GB HBM3';
const GPU_PRICE = 6n * DPN;
const SEED = '5a'.repeat(32);

describe('GPU attestation', { timeout: 600_000 }, () => {
  let node;
  let api;
  let keys;
  let relay;
  /** GPU entries whose requests the relay answers with another provider's nonce. */
  const relayed = new Map();
  /** Every GPU the worker asked the relay for, and the nonce it asked for. */
  const asked = [];
  /** What the relay answered for relayed GPUs: a report for the victim's nonce, and its chain. */
  const relayedAnswers = [];
  const attested = [];
  const refused = [];
  let stopEvents;

  before(async () => {
    // The relay: forwards every request to the node's own probe, except for relayed GPUs, whose
    // nonce it swaps for the victim's.
    const port = await freePort();
    relay = createServer(async (req, res) => {
      const url = new URL(req.url, 'http://relay');
      const gpu = url.searchParams.get('gpu');
      asked.push({ gpu, nonce: url.searchParams.get('nonce') });
      let nonce = url.searchParams.get('nonce');
      const victim = relayed.get(`0x${gpu}`);
      if (victim) {
        const theirs = await api.call.depinApi.gpuAttestationNonce(victim.provider, victim.gpu);
        nonce = theirs.unwrap().toHex().slice(2);
      }
      const answer = await fetch(`http://127.0.0.1:${node.probePort}/attestation?gpu=${gpu}&nonce=${nonce}`);
      const body = await answer.text();
      if (victim) relayedAnswers.push(body);
      res.writeHead(answer.status, { 'content-type': 'text/plain' });
      res.end(body);
    });
    await new Promise((r) => relay.listen(port, '127.0.0.1', r));
    node = await startNode({
      name: 'gpu-attest',
      args: ['--dev', '--gpu-attestation-probe', `synthetic:${SEED}`, '--gpu-attestation-source', `http://127.0.0.1:${port}/attestation`],
    });
    api = await connect(node.wsUrl);
    keys = await devKeyring();
    stopEvents = await api.query.system.events((events) => {
      for (const { event } of events) {
        if (api.events.gpuAttestation.GpuAttested.is(event)) attested.push(event.data);
        if (api.events.gpuAttestation.AttestationRefused.is(event)) refused.push(event.data);
      }
    });
  });

  after(async () => {
    stopEvents?.();
    await api?.disconnect();
    await node?.stop();
    relay?.close();
  });

  /** GPU entry `n` of the provider named `name`. */
  const gpuOf = (name, n) => blake2AsHex(`GPU-${name}-${n}`, 256);

  /** Registers `who` with `count` H100 entries and a reporting key in the node's keystore. */
  async function provider(who, name, count) {
    const suri = `//${name}//gpu-attestation`;
    const reportingKey = keys.keyring.addFromUri(suri);
    const keyHex = u8aToHex(reportingKey.publicKey);
    await rpc(node.rpcPort, 'author_insertKey', ['dpna', suri, keyHex]);
    const gpus = [...Array(count).keys()].map((n) => ({ uuidHash: gpuOf(name, n), model: MODEL, vramMib: 81_559 }));
    await sendAndFinalize(api, api.tx.utility.batchAll([
      api.tx.providers.register(200n * DPN, 'eu-west', `${count}x H100`),
      api.tx.providers.addGpus(gpus),
      api.tx.providers.setCapacity(0, 16),
      api.tx.providers.setPrices({ gpu: [[MODEL, GPU_PRICE]], storageGib: 0, cpuCore: DPN / 20n }),
      api.tx.providers.setReportingKey(keyHex, reportingKeyProof(api, reportingKey, who.address)),
    ]), who);
    return gpus.map((g) => g.uuidHash);
  }

  it('attests the honest provider\'s GPUs under the registered CA, refuses the relay, and fills attested-only orders from attested GPUs', async () => {
    const ca = JSON.parse(execFileSync(NODE_BIN, ['synthetic-ca', '--seed', SEED], { encoding: 'utf8' }));
    const added = await sendAndFinalize(api, api.tx.sudo.sudo(api.tx.gpuAttestation.addRoot(ca.rootCertificate)), keys.alice);
    const rootAdded = added.events.find(({ event }) => api.events.gpuAttestation.RootAdded.is(event));
    assert.equal(rootAdded.event.data.root.toHex(), ca.fingerprint, 'the root the chain trusts is the CA\'s');
    assert.ok((await api.query.gpuAttestation.roots(ca.fingerprint)).isSome);

    const { ferdie: honest, eve: relayer, dave: consumer } = keys;
    const honestGpus = await provider(honest, 'Ferdie', 2);
    // The relay is in place before the relayer's node learns of its GPU (it may ask at once,
    // on the block that registers it).
    const relayedGpu = gpuOf('Eve', 0);
    relayed.set(relayedGpu, { provider: honest.address, gpu: honestGpus[0] });
    assert.deepEqual(await provider(relayer, 'Eve', 1), [relayedGpu]);
    const relayerKey = keys.keyring.addFromUri('//Eve//gpu-attestation').address;

    // The worker answers the chain's nonce for each GPU, the epoch after it learns of them.
    await waitFor('both honest GPUs attested', () =>
      honestGpus.every((gpu) => attested.some((d) => d.gpu.toHex() === gpu && d.provider.toString() === honest.address)),
    { timeoutMs: 240_000 });
    const record = (await api.query.gpuAttestation.attestations(honest.address, honestGpus[0])).unwrap();
    assert.equal(record.driverVersion.toUtf8(), '550.54.15');
    assert.equal(record.expires.toNumber() - record.attested.toNumber(), api.consts.gpuAttestation.validityEpochs.toNumber());
    // Two entries, two chips: two identities, each claimed by the honest provider.
    const devices = attested.filter((d) => d.provider.toString() === honest.address).map((d) => d.device.toHex());
    assert.equal(new Set(devices).size, 2);
    for (const device of devices) {
      assert.equal((await api.query.gpuAttestation.deviceClaims(device)).unwrap().owner.toString(), honest.address);
    }

    // depin_provider shows each GPU's tier, model, driver and expiry.
    const view = await rpc(node.rpcPort, 'depin_provider', [honest.address]);
    for (const gpu of view.gpus) {
      assert.equal(gpu.tier, 'Attested', JSON.stringify(gpu));
      assert.equal(gpu.attestation.driverVersion, '550.54.15');
      assert.equal(gpu.attestation.expiresEpoch, record.expires.toNumber());
    }
    const relayerView = await rpc(node.rpcPort, 'depin_provider', [relayer.address]);
    assert.equal(relayerView.gpus[0].tier, 'SelfReported');

    // The relayed GPU was asked for and answered with the victim's nonce, which the chain refuses
    // (the worker checks as the pool does): never attested, whatever epoch.
    await waitFor('the relayed GPU asked for', () => asked.some((a) => `0x${a.gpu}` === relayedGpu), { timeoutMs: 120_000 });
    await waitFor('the relayed attestation refused', () =>
      /not attested in epoch \d+: the chain would refuse it: Verification\(NonceMismatch\)/.test(readFileSync(node.logFile, 'utf8')), { timeoutMs: 120_000 });
    // Sent to the chain anyway, signed by the relayer's reporting key: the pool takes it (it
    // checks no certificate), the block verifies it and refuses it, spending the entry's turn.
    const [report, ...chain] = relayedAnswers.at(-1).trim().split('\n').map((line) => `0x${line}`);
    // For the epoch of the next block (the one the pool validates for), not its first block:
    // that one's nonce is drawn only when it begins.
    const epochLength = (await api.query.attestation.epochLength()).toNumber();
    const next = await waitFor('a block whose successor does not begin an epoch', async () => {
      const best = (await api.rpc.chain.getHeader()).number.toNumber();
      return (best + 1) % epochLength !== 0 && (best + 1) % epochLength < epochLength - 1 && best + 1;
    }, { timeoutMs: 60_000 });
    const epoch = Math.floor(next / epochLength);
    const submission = api.createType('PalletGpuAttestationAttestationSubmission',
      { provider: relayer.address, gpu: relayedGpu, epoch, report, chain });
    // What the reporting key signs: SCALE of (domain bytes, submission).
    const payload = u8aConcat(compactAddLength(stringToU8a('depin/gpu-attestation/submission/v1')), submission.toU8a());
    const signature = keys.keyring.getPair(relayerKey).sign(payload);
    await api.rpc.author.submitExtrinsic(api.tx.gpuAttestation.submitAttestation(submission, signature));
    const refusal = await waitFor('the relayed report refused in a block', () =>
      refused.find((d) => d.provider.toString() === relayer.address && d.gpu.toHex() === relayedGpu), { timeoutMs: 60_000 });
    const { section, name } = api.registry.findMetaError(refusal.error.asModule);
    assert.equal(`${section}.${name}`, 'gpuAttestation.Verification');
    const why = api.createType('PalletGpuAttestationVerifyVerifyError', refusal.error.asModule.error.subarray(1, 2));
    assert.equal(why.type, 'NonceMismatch');
    assert.ok(!attested.some((d) => d.provider.toString() === relayer.address), 'the relayer attested nothing');
    assert.ok((await api.query.gpuAttestation.attestations(relayer.address, relayedGpu)).isNone);

    // An order that requires attested GPUs: the relayer cannot bid, the honest provider can.
    const request = { gpus: 1, gpuModel: MODEL, minVramMib: 80_000, storageGib: 0, cpuCores: 0, attestedGpus: true };
    const ordered = await sendAndFinalize(api, api.tx.leases.createOrder(request, null, null, GPU_PRICE, 20n * DPN), consumer);
    const order = ordered.events.find(({ event }) => api.events.leases.OrderCreated.is(event)).event.data.order.toNumber();
    await assert.rejects(sendAndFinalize(api, api.tx.leases.bid(order, GPU_PRICE), relayer),
      (e) => e instanceof DispatchFailed && /leases\.NotEnoughGpus/.test(e.description));
    await sendAndFinalize(api, api.tx.leases.bid(order, GPU_PRICE), honest);
    const accepted = await sendAndFinalize(api, api.tx.leases.acceptBid(order, honest.address), consumer);
    const opened = accepted.events.find(({ event }) => api.events.leases.LeaseOpened.is(event)).event.data;
    const lease = (await api.query.leases.leases(opened.lease)).unwrap();
    assert.ok(honestGpus.includes(lease.gpus[0].toHex()), 'the lease runs on an attested GPU');
    // `rent` with the same requirement: refused by the relayer's unattested GPU.
    await assert.rejects(sendAndFinalize(api, api.tx.leases.rent(relayer.address, request, 20n * DPN), consumer),
      (e) => e instanceof DispatchFailed && /leases\.NotEnoughGpus/.test(e.description));
  });
});
