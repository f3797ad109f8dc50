// polkadot.js helpers: connecting, dev accounts, sending transactions and waiting for finality.
import { ApiPromise, WsProvider } from '@polkadot/api';
import { Keyring } from '@polkadot/keyring';
import { u8aConcat, stringToU8a } from '@polkadot/util';
import { cryptoWaitReady, decodeAddress } from '@polkadot/util-crypto';

import { DEPIN_RPC } from './depin-rpc.mjs';

export async function connect(wsUrl) {
  const provider = new WsProvider(wsUrl, 1_000);
  const api = await ApiPromise.create({
    provider,
    rpc: DEPIN_RPC,
    throwOnConnect: true,
    noInitWarn: true,
  });
  await api.isReady;
  return api;
}

/**
 * A reporting key's proof of possession for `providerAddress` (`providers.setReportingKey`'s
 * second argument): the key's signature over "depin/reporting-key/v1" ++ the provider's account
 * id ++ the chain's genesis hash.
 */
export function reportingKeyProof(api, keyPair, providerAddress) {
  const payload = u8aConcat(stringToU8a('depin/reporting-key/v1'), decodeAddress(providerAddress), api.genesisHash.toU8a());
  return keyPair.sign(payload);
}

/** //Alice, //Bob, ... and fresh random accounts, sr25519 like polkadot.js apps. */
export async function devKeyring() {
  await cryptoWaitReady();
  const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
  const dev = (name) => keyring.addFromUri(`//${name}`);
  return {
    keyring,
    alice: dev('Alice'), bob: dev('Bob'), charlie: dev('Charlie'), dave: dev('Dave'),
    eve: dev('Eve'), ferdie: dev('Ferdie'),
    fresh: (label = 'fresh') => keyring.addFromUri(`//${label}/${Date.now()}/${Math.random()}`),
  };
}

/**
 * Wraps a subscription-driven promise: `finish(fn, value)` settles it once, clears the timer and
 * unsubscribes (even if the subscription resolves after the first callback).
 */
function once(timeoutMs, timeoutMessage, subscribe) {
  return new Promise((resolve, reject) => {
    let unsub;
    let done = false;
    const finish = (fn, value) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      unsub?.();
      fn(value);
    };
    const timer = setTimeout(() => finish(reject, new Error(timeoutMessage)), timeoutMs);
    subscribe(finish, resolve, reject)
      .then((u) => { unsub = u; if (done) u(); }, (e) => finish(reject, e));
  });
}

/** Turns a DispatchError into "Pallet.Error: docs" (or the plain error text). */
export function describeDispatchError(api, dispatchError) {
  if (dispatchError.isModule) {
    const meta = api.registry.findMetaError(dispatchError.asModule);
    return `${meta.section}.${meta.name}: ${meta.docs.join(' ')}`;
  }
  return dispatchError.toString();
}

export class DispatchFailed extends Error {
  constructor(description, result, fee) {
    super(`dispatch failed: ${description}`);
    this.description = description;
    this.result = result;
    /** What the failed transaction was still charged. */
    this.fee = fee;
  }
}

/** Fee + tip charged to the signer, from the TransactionFeePaid event. */
function feePaid(api, events) {
  const feeEvent = events.find(({ event }) => api.events.transactionPayment.TransactionFeePaid.is(event));
  return feeEvent ? feeEvent.event.data.actualFee.toBigInt() + feeEvent.event.data.tip.toBigInt() : 0n;
}

/**
 * Signs and sends `tx`, waits until the block including it is finalized and returns
 * { blockHash, events, fee } where `fee` is what TransactionFeePaid charged (fee + tip).
 * Rejects with DispatchFailed (decoded error) if the call failed, or on pool rejection.
 */
export function sendAndFinalize(api, tx, signer, { timeoutMs = 120_000 } = {}) {
  return once(timeoutMs, `transaction not finalized within ${timeoutMs} ms`, (finish, resolve, reject) =>
    tx.signAndSend(signer, { nonce: -1 }, (result) => {
      const { status, events, dispatchError } = result;
      if (status.isDropped || status.isInvalid || status.isUsurped) {
        finish(reject, new Error(`transaction ${status.type}`));
      } else if (status.isFinalized) {
        const fee = feePaid(api, events);
        if (dispatchError) {
          finish(reject, new DispatchFailed(describeDispatchError(api, dispatchError), result, fee));
          return;
        }
        finish(resolve, { blockHash: status.asFinalized, events, fee });
      }
    }));
}

/**
 * What `epoch` left on record for `provider` in its liveness (`Attestation.ProviderLiveness`):
 * the `EpochOutcome` (`isReported` with `asReported`, or `isMissed`), or undefined.
 */
export async function epochOutcome(api, provider, epoch) {
  const liveness = await api.query.attestation.providerLiveness(provider);
  const record = liveness.recorded.find(([recorded]) => recorded.toNumber() === epoch);
  return record?.[1];
}

/** Free balance of `address` at `blockHash` (or at the best block). */
export async function freeBalance(api, address, blockHash) {
  const at = blockHash ? await api.at(blockHash) : api;
  return (await at.query.system.account(address)).data.free.toBigInt();
}

export function waitForFinalizedHeight(api, height, timeoutMs = 120_000) {
  return once(timeoutMs, `finalized height ${height} not reached in ${timeoutMs} ms`, (finish, resolve) =>
    api.rpc.chain.subscribeFinalizedHeads((header) => {
      if (header.number.toNumber() >= height) finish(resolve, header);
    }));
}
