// polkadot.js definitions of the chain's explorer JSON-RPC methods, so that
// `api.rpc.depin.networkStats()` and friends work. Results are JSON (`.toJSON()`: objects, arrays,
// or null for unknown ids); balances in them are decimal strings of planck. Pass to ApiPromise.create({ rpc: DEPIN_RPC }).
const at = { name: 'at', type: 'Hash', isOptional: true };

export const DEPIN_RPC = {
  depin: {
    networkStats: {
      description: 'The network now and over the trailing window of closed epochs',
      params: [at],
      type: 'Json',
    },
    epochLedger: {
      description: 'The ledger of an epoch (null for one that has not begun)',
      params: [{ name: 'epoch', type: 'u32' }, at],
      type: 'Option<Json>',
    },
    provider: {
      description: 'A provider by SS58 address (null if unknown)',
      params: [{ name: 'account', type: 'Text' }, at],
      type: 'Option<Json>',
    },
    lease: {
      description: 'A lease by id (null if unknown)',
      params: [{ name: 'id', type: 'u64' }, at],
      type: 'Option<Json>',
    },
    leasesOf: {
      description: 'Leases of an account, as consumer or provider',
      params: [{ name: 'account', type: 'Text' }, at],
      type: 'Vec<Json>',
    },
    providers: {
      description: 'Up to `count` (at most 100) providers after the provider `startAfter` (null: from the first)',
      params: [{ name: 'startAfter', type: 'Option<Text>' }, { name: 'count', type: 'u32' }, at],
      type: 'Vec<Json>',
    },
    providerHistory: {
      description: "A provider's last `epochs` (at most 100) ended epochs, oldest first",
      params: [{ name: 'account', type: 'Text' }, { name: 'epochs', type: 'u32' }, at],
      type: 'Vec<Json>',
    },
  },
};

