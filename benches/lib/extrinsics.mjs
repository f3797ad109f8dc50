// Pre-signed extrinsics for the load: usage reports as the off-chain worker sends them
// (bare v4 extrinsics carrying the report and the reporting key's signature) and
// balances transfers signed by funded accounts.
import { Keyring } from '@polkadot/keyring';
import { compactAddLength, hexToU8a, stringToU8a, u8aConcat, u8aToHex } from '@polkadot/util';
import { cryptoWaitReady, sr25519PairFromSeed, sr25519Sign } from '@polkadot/util-crypto';

// `pallet_attestation::REPORT_SIGNING_CONTEXT`, SCALE-encoded as a byte slice.
const SIGNING_CONTEXT = compactAddLength(stringToU8a('depin/usage-report/v1'));

export async function ready() {
  await cryptoWaitReady();
}

/**
 * The signed `submit_report` of `provider` (a manifest entry) for `epoch`, covering its first
 * `leaseCount` leases, each fully up for the epoch, anchored at `anchor` ({ number, hash }).
 */
export function usageReport(api, provider, { epoch, epochLength, anchor, leaseCount }) {
  const leases = provider.leases.slice(0, leaseCount);
  if (leases.length < leaseCount) throw new Error(`provider ${provider.account} has only ${provider.leases.length} leases`);
  const report = api.createType('PalletAttestationUsageReport', {
    provider: provider.account,
    epoch,
    anchorNumber: anchor.number,
    anchorHash: anchor.hash,
    leases: leases.map((lease) => ({ lease, uptimeBlocks: epochLength, gpuUtilPercent: 0, gpuMemUsedMib: 0, storageUsedGib: 0 })),
    devices: {
      sampledBlocks: epochLength,
      answeredBlocks: epochLength,
      gpus: [{ uuidHash: provider.gpu, seenBlocks: epochLength, utilPercent: 50, memUsedMib: 40_000, memTotalMib: 81_559, energyMj: 0 }],
      storageSeenBlocks: 0,
      storageTotalGib: 0,
      storageUsedGib: 0,
    },
  });
  const pair = sr25519PairFromSeed(hexToU8a(provider.reportingSeed));
  const signature = sr25519Sign(u8aConcat(SIGNING_CONTEXT, report.toU8a()), pair);
  // Unsigned in polkadot.js terms: a bare v4 extrinsic, as the off-chain worker sends it.
  return api.tx.attestation.submitReport(report, u8aToHex(signature)).toHex();
}

/** Keypairs of the manifest's funded transfer senders. */
export function senders(manifest) {
  const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
  return manifest.senders.map((seed) => keyring.addFromSeed(hexToU8a(seed)));
}

/**
 * `perSender` signed `transfer_keep_alive`s from each of `pairs`, immortal, with the next nonces
 * from `nonces` (a Map by address, advanced), to the next pair (so every account stays funded).
 */
export async function transfers(api, pairs, nonces, perSender) {
  const out = [];
  for (let k = 0; k < perSender; k++) {
    for (let i = 0; i < pairs.length; i++) {
      const nonce = nonces.get(pairs[i].address) ?? 0;
      nonces.set(pairs[i].address, nonce + 1);
      const tx = api.tx.balances.transferKeepAlive(pairs[(i + 1) % pairs.length].address, 1_000_000_000n);
      const signed = await tx.signAsync(pairs[i], { nonce, era: 0, blockHash: api.genesisHash });
      out.push(signed.toHex());
    }
  }
  return out;
}
