// The marketplace on a real dev node with polkadot.js: a provider registers two GPUs, a consumer
// rents one, tops up and closes; a second consumer goes order → bid → accept. Every balance is
// checked to the planck, and all fees land in the treasury (no settlement yet, so no take).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { u8aConcat, stringToU8a } from '@polkadot/util';
import { blake2AsHex, encodeAddress } from '@polkadot/util-crypto';

import { startNode } from '../lib/node.mjs';
import { connect, devKeyring, sendAndFinalize, DispatchFailed } from '../lib/chain.mjs';

const DPN = 10n ** 12n;
const TREASURY = encodeAddress(u8aConcat(stringToU8a('modl'), stringToU8a('dpn/trsy'), new Uint8Array(20)), 42);
const MODEL = 'NVIDIA H100 80GB HBM3';
const GPU_UUIDS = ['GPU-5f4b1c2e-0000-4000-8000-000000000001', 'GPU-5f4b1c2e-0000-4000-8000-000000000002'];
const GPU_PRICE = 2n * DPN; // per hour (600 blocks)
const BOND = 200n * DPN;

describe('marketplace', { timeout: 600_000 }, () => {
  let node;
  let api;
  let keys;
  const fees = new Map(); // address -> total fees paid

  const addFee = (who, fee) => fees.set(who.address, (fees.get(who.address) ?? 0n) + fee);
  async function send(tx, signer) {
    try {
      const result = await sendAndFinalize(api, tx, signer);
      addFee(signer, result.fee);
      return result;
    } catch (e) {
      if (e instanceof DispatchFailed) addFee(signer, e.fee); // failed calls still pay
      throw e;
    }
  }

  async function account(address, at) {
    const { data } = await (await api.at(at)).query.system.account(address);
    return { free: data.free.toBigInt(), held: data.reserved.toBigInt() };
  }

  function event(events, name) {
    const found = events.find(({ event: e }) => api.events.leases[name]?.is(e) || api.events.providers[name]?.is(e));
    assert.ok(found, `event ${name}`);
    return found.event.data;
  }

  before(async () => {
    node = await startNode({ name: 'market', args: ['--dev'] });
    api = await connect(node.wsUrl);
    keys = await devKeyring();
  });

  after(async () => {
    await api?.disconnect();
    await node?.stop();
  });

  it('registers, rents, tops up, closes, and goes order → bid → accept with exact balances', async () => {
    const { bob: provider, charlie: renter, dave: bidder } = keys;
    const start = await api.rpc.chain.getFinalizedHead();
    const issuanceStart = (await (await api.at(start)).query.balances.totalIssuance()).toBigInt();
    const before = {};
    for (const who of [provider, renter, bidder]) before[who.address] = await account(who.address, start);
    const treasuryStart = (await account(TREASURY, start)).free;

    // The provider bonds and lists two GPUs, capacity and prices in one batch.
    const gpus = GPU_UUIDS.map((uuid) => ({ uuidHash: blake2AsHex(uuid, 256), model: MODEL, vramMib: 81_559 }));
    const listing = await send(api.tx.utility.batchAll([
      api.tx.providers.register(BOND, 'eu-west', 'rack 7, 2x H100'),
      api.tx.providers.addGpus(gpus),
      api.tx.providers.setCapacity(1n << 40n, 32),
      api.tx.providers.setPrices({ gpu: [[MODEL, GPU_PRICE]], storageGib: DPN / 1000n, cpuCore: DPN / 20n }),
    ]), provider);
    assert.equal(event(listing.events, 'Registered').bond.toBigInt(), BOND);
    const record = (await api.query.providers.providers(provider.address)).unwrap();
    assert.equal(record.status.toString(), 'Active');
    assert.equal((await api.query.providers.gpus(provider.address)).length, 2);

    // A GPU can be listed by one provider only.
    await assert.rejects(
      send(api.tx.utility.batchAll([
        api.tx.providers.register(BOND, 'us-east', ''),
        api.tx.providers.addGpus([gpus[0]]),
      ]), keys.eve),
      (e) => e instanceof DispatchFailed && /GpuAlreadyRegistered/.test(e.message),
    );
    assert.ok((await api.query.providers.providers(keys.eve.address)).isNone, 'the failed batch left nothing');

    // Rent one GPU at the listed price, with three hours of escrow.
    const deposit = 3n * GPU_PRICE;
    const rented = await send(api.tx.leases.rent(provider.address, {
      gpus: 1, gpuModel: MODEL, minVramMib: 80_000, storageGib: 0, cpuCores: 0,
    }, deposit), renter);
    const opened = event(rented.events, 'LeaseOpened');
    const leaseId = opened.lease.toNumber();
    assert.equal(opened.pricePerHour.toBigInt(), GPU_PRICE);
    assert.equal(opened.deposit.toBigInt(), deposit);
    assert.ok((await api.query.leases.leasedGpu(gpus[0].uuidHash)).isSome, 'the first GPU is leased');

    const topUp = 1n * DPN;
    await send(api.tx.leases.topUp(leaseId, topUp), renter);
    assert.equal((await api.query.leases.leases(leaseId)).unwrap().escrow.toBigInt(), deposit + topUp);

    // Closing refunds the escrow except what the service not yet settled may still be charged,
    // once the provider attests it: the epoch in progress and, within the report grace, the
    // one before.
    const closed = await send(api.tx.leases.closeLease(leaseId), renter);
    const closeEvent = event(closed.events, 'LeaseClosed');
    assert.equal(closeEvent.reason.toString(), 'ConsumerClosed');
    const retained = closeEvent.retained.toBigInt();
    assert.equal(closeEvent.refunded.toBigInt() + retained, deposit + topUp);
    const lease = (await api.query.leases.leases(leaseId)).unwrap();
    const closedAt = lease.status.asClosed.at.toNumber();
    const openedAt = lease.openedAt.toNumber();
    const epochLength = (await api.query.attestation.epochLength()).toNumber();
    const grace = api.consts.attestation.reportGrace.toNumber();
    let expectedRetained = 0n;
    const last = Math.floor(closedAt / epochLength);
    for (const epoch of [last - 1, last]) {
      if (epoch < 0 || closedAt >= (epoch + 1) * epochLength + grace) continue; // window closed
      const served = Math.min((epoch + 1) * epochLength, closedAt) - Math.max(epoch * epochLength, openedAt);
      if (served > 0) expectedRetained += GPU_PRICE * BigInt(served) / 600n;
    }
    assert.equal(retained, expectedRetained, 'retained = price × blocks served in reportable epochs / blocks per hour');
    assert.ok((await api.query.leases.leasedGpu(gpus[0].uuidHash)).isNone, 'the GPU is free again');

    // The second consumer: order → bid → accept.
    const maxPrice = 3n * DPN;
    const orderDeposit = 3n * maxPrice;
    const ordered = await send(api.tx.leases.createOrder(
      { gpus: 1, gpuModel: MODEL, minVramMib: 0, storageGib: 0, cpuCores: 0 }, 'eu-west', null, maxPrice, orderDeposit,
    ), bidder);
    const orderId = event(ordered.events, 'OrderCreated').order.toNumber();
    const bidPrice = 5n * DPN / 2n;
    await assert.rejects(
      send(api.tx.leases.bid(orderId, maxPrice + 1n), provider),
      (e) => e instanceof DispatchFailed && /PriceAboveMaximum/.test(e.message),
    );
    await send(api.tx.leases.bid(orderId, bidPrice), provider);
    const accepted = await send(api.tx.leases.acceptBid(orderId, provider.address), bidder);
    const second = event(accepted.events, 'LeaseOpened');
    assert.equal(second.pricePerHour.toBigInt(), bidPrice);
    assert.equal(second.deposit.toBigInt(), orderDeposit);
    assert.ok((await api.query.leases.orders(orderId)).isNone, 'the accepted order is gone');

    // Balances, to the planck.
    const end = accepted.blockHash;
    const after = {};
    for (const who of [provider, renter, bidder]) after[who.address] = await account(who.address, end);
    const feesOf = (who) => fees.get(who.address) ?? 0n;

    assert.equal(after[provider.address].free, before[provider.address].free - BOND - feesOf(provider));
    assert.equal(after[provider.address].held, before[provider.address].held + BOND);
    assert.equal(after[renter.address].free, before[renter.address].free - retained - feesOf(renter));
    assert.equal(after[renter.address].held, before[renter.address].held + retained);
    assert.equal(after[bidder.address].free, before[bidder.address].free - orderDeposit - feesOf(bidder));
    assert.equal(after[bidder.address].held, before[bidder.address].held + orderDeposit);

    // Every fee reached the treasury; nothing was minted or burned.
    const allFees = [...fees.values()].reduce((a, b) => a + b, 0n);
    assert.equal((await account(TREASURY, end)).free - treasuryStart, allFees);
    assert.equal((await (await api.at(end)).query.balances.totalIssuance()).toBigInt(), issuanceStart);
  });
});
