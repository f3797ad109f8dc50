// Council motions and GRANDPA equivocation evidence, as a validator operator or council member
// would produce them with polkadot.js (docs/operations.md describes the same steps).
import { Keyring } from '@polkadot/keyring';
import { u8aConcat, u8aToHex, bnToU8a } from '@polkadot/util';

import { describeDispatchError, DispatchFailed } from './chain.mjs';

/**
 * Signs and sends `tx`; resolves with { blockHash, events } once it is in a block (finality is
 * not awaited: the motion's next step only needs the previous one included). Rejects with
 * DispatchFailed if the call failed.
 */
export function sendInBlock(api, tx, signer, { timeoutMs = 120_000 } = {}) {
  return new Promise((resolve, reject) => {
    let unsub;
    const timer = setTimeout(() => { unsub?.(); reject(new Error(`not in a block within ${timeoutMs} ms`)); }, timeoutMs);
    const done = (fn, value) => { clearTimeout(timer); unsub?.(); fn(value); };
    tx.signAndSend(signer, { nonce: -1 }, (result) => {
      const { status, events, dispatchError } = result;
      if (status.isDropped || status.isInvalid || status.isUsurped) done(reject, new Error(`transaction ${status.type}`));
      else if (status.isInBlock) {
        if (dispatchError) done(reject, new DispatchFailed(describeDispatchError(api, dispatchError), result, 0n));
        else done(resolve, { blockHash: status.asInBlock, events });
      }
    }).then((u) => { unsub = u; }, (e) => done(reject, e));
  });
}

export const findEvent = (api, events, section, method) =>
  events.find(({ event }) => event.section === section && event.method === method)?.event;

/**
 * A council motion: `proposer` proposes `call` with threshold 2, the proposer and each of
 * `seconds` vote aye (a proposal starts with no votes), and the proposer closes it. Resolves with the events of the closing block; rejects unless the
 * motion executed and the call succeeded.
 */
export async function councilMotion(api, call, proposer, seconds) {
  const lengthBound = call.method.encodedLength;
  const proposed = await sendInBlock(api, api.tx.council.propose(2, call, lengthBound), proposer);
  const { proposalHash, proposalIndex } = findEvent(api, proposed.events, 'council', 'Proposed').data;
  // Each member signs for themselves, so the ayes go in together (one block, not one each).
  await Promise.all([proposer, ...seconds].map((member) =>
    sendInBlock(api, api.tx.council.vote(proposalHash, proposalIndex, true), member)));
  const { weight } = await api.call.transactionPaymentCallApi.queryCallInfo(call, lengthBound);
  const closed = await sendInBlock(api, api.tx.council.close(proposalHash, proposalIndex, weight, lengthBound), proposer);
  const executed = findEvent(api, closed.events, 'council', 'Executed');
  if (!executed) throw new Error('the motion did not execute');
  if (executed.data.result.isErr) {
    throw new Error(`the motion's call failed: ${describeDispatchError(api, executed.data.result.asErr)}`);
  }
  return closed.events;
}

/** Concatenates little-endian u64s. */
const u64 = (n) => bnToU8a(BigInt(n), { bitLength: 64, isLe: true });

/**
 * Two prevotes by the GRANDPA key of `seed` (a dev seed such as '//Dave') in the same round for
 * two different blocks, signed as a double-voting voter would: a GRANDPA equivocation proof as
 * `grandpa.reportEquivocation` takes it. The signed payload is SCALE(Message::Prevote(target)) ++
 * round ++ set id (sp_consensus_grandpa::localized_payload).
 */
export async function doublePrevote(setId, round, seed, targets) {
  const voter = new Keyring({ type: 'ed25519' }).addFromUri(seed);
  const vote = ({ hash, number }) => {
    const message = u8aConcat([0], hash, bnToU8a(number, { bitLength: 32, isLe: true }));
    const signature = voter.sign(u8aConcat(message, u64(round), u64(setId)));
    return [{ targetHash: u8aToHex(hash), targetNumber: number }, u8aToHex(signature)];
  };
  return {
    voter: u8aToHex(voter.publicKey),
    proof: {
      setId,
      equivocation: {
        Prevote: { roundNumber: round, identity: u8aToHex(voter.publicKey), first: vote(targets[0]), second: vote(targets[1]) },
      },
    },
  };
}

/**
 * Historical's proof that GRANDPA key `authority` belongs to a validator of the current session
 * (runtime call `grandpaApi.generateKeyOwnershipProof`), as `SpSessionMembershipProof`.
 * polkadot.js 16 hands the opaque proof back still wrapped in its own SCALE encoding (an
 * `Option<Vec<u8>>`), so that layer is taken off before decoding the proof.
 */
export async function keyOwnershipProof(api, setId, authority) {
  const opaque = await api.call.grandpaApi.generateKeyOwnershipProof(setId, authority);
  if (opaque.isNone) throw new Error(`no key-ownership proof for ${authority}`);
  let bytes = opaque.unwrap().toU8a(true);
  const wrapped = api.createType('Option<Bytes>', bytes);
  if (wrapped.isSome && wrapped.toU8a().length === bytes.length) bytes = wrapped.unwrap().toU8a(true);
  return api.createType('SpSessionMembershipProof', bytes);
}
