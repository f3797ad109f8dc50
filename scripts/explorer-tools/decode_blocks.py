#!/usr/bin/env python3
"""Decodes every block of a depin chain with py-substrate-interface, as a block explorer would.

    python decode_blocks.py --url ws://127.0.0.1:9944 [--from 0] [--to N] [--receipts]

For each block number in [--from, --to] (--to defaults to the finalized head) it fetches the block
with `get_block(block_hash=..., include_author=False)`, which decodes every extrinsic and digest
item, and its events with `get_events(block_hash)`. Nothing is swallowed: the first decoding error
prints the block number, the extrinsic index (or event index) and the traceback to stderr and exits
with status 1 (any other error, such as a failed or timed-out RPC call, exits non-zero too).

With --receipts, every block holding an `Attestation.submit_report` extrinsic and at least one other
signed extrinsic gets an `ExtrinsicReceipt` for each of its signed extrinsics, whose `is_success`,
`triggered_events`, `total_fee_amount` (and `error_message` on failure) are read, as an explorer
showing a transaction does.

stdout is one JSON object:
  {"blocks", "extrinsics", "events", "calls": {"Pallet.call": n}, "eventNames": {"Pallet.Event": n},
   "reportBlocks", "receipts": [{"block", "index", "call", "success", "events": [...]}],
   "eventFieldsUnnamed": ["Pallet.Event", ...]}
where eventFieldsUnnamed lists the events of Providers, Leases, Attestation and Economics whose
attributes came back positional (a tuple or bare value) rather than as named fields.

The environment is made by setup-venv.sh beside this file (pinned requirements.txt).
"""

import argparse
import json
import sys
import traceback
from collections import Counter

from scalecodec.base import ScaleBytes
from substrateinterface import ExtrinsicReceipt, SubstrateInterface

REPORT_CALL = "Attestation.submit_report"
OWN_PALLETS = ("Providers", "Leases", "Attestation", "Economics")
# twox128("System") ++ twox128("Events"): the storage key get_events() reads.
SYSTEM_EVENTS_KEY = "0x26aa394eea5630e07c48ae0c9558cef780d41e5e16056765bc8461851072c9d7"


class DecodeError(Exception):
    """A decoding failure located in a block: reported on stderr, then exit 1."""

    def __init__(self, block, where, tb, detail=None):
        super().__init__(f"block {block}: {where}")
        self.block = block
        self.where = where
        self.tb = tb
        self.detail = detail or []


def call_name(extrinsic):
    call = extrinsic.value["call"]
    return f"{call['call_module']}.{call['call_function']}"


def is_signed(extrinsic):
    # GenericExtrinsic.signed is set from bit 7 of the version byte; a signed extrinsic has an address.
    return bool(extrinsic.signed) and "address" in extrinsic.value


def locate_bad_extrinsic(substrate, block_hash):
    """Re-decodes a block's extrinsics one by one, as get_block does, to find the one that fails.

    Returns (index, traceback text, raw hex) of the first failing extrinsic, or None if all decode
    (then the failure was in the header's digest)."""
    substrate.init_runtime(block_hash=block_hash)
    raw_block = substrate.rpc_request("chain_getBlock", [block_hash])["result"]["block"]
    extrinsic_cls = substrate.runtime_config.get_decoder_class("Extrinsic")
    for idx, raw in enumerate(raw_block["extrinsics"]):
        decoder = extrinsic_cls(
            data=ScaleBytes(raw), metadata=substrate.metadata, runtime_config=substrate.runtime_config
        )
        try:
            decoder.decode(check_remaining=substrate.config.get("strict_scale_decode"))
        except Exception:
            return idx, traceback.format_exc(), raw
    return None


def describe_raw_extrinsic(raw):
    """The version byte of a raw (length-prefixed) extrinsic, in words."""
    data = bytes.fromhex(raw[2:] if raw.startswith("0x") else raw)
    # Skip the Compact<u32> length prefix.
    mode = data[0] & 0b11
    offset = {0: 1, 1: 2, 2: 4}.get(mode, 1 + (data[0] >> 2) + 4)
    if offset >= len(data):
        return "raw extrinsic too short"
    version = data[offset]
    preamble = {0b00: "bare", 0b10: "signed", 0b01: "general"}.get(version >> 6, "unknown")
    return (f"version byte 0x{version:02x}: extrinsic format v{version & 0x3f}, {preamble}"
            f" ({len(data)} bytes); raw {raw[:160]}{'...' if len(raw) > 160 else ''}")


def locate_bad_event(substrate, block_hash):
    """Re-decodes System.Events record by record to find the one that fails.

    Returns (event index, extrinsic index or phase, traceback text), or None."""
    substrate.init_runtime(block_hash=block_hash)
    raw = substrate.rpc_request("state_getStorage", [SYSTEM_EVENTS_KEY, block_hash])["result"]
    if raw is None:
        return None
    value_type = (substrate.metadata.get_metadata_pallet("System")
                  .get_storage_function("Events").get_value_type_string())
    vec = substrate.runtime_config.create_scale_object(value_type, metadata=substrate.metadata)
    data = ScaleBytes(raw)
    count = substrate.runtime_config.create_scale_object("Compact<u32>", data=data).decode(check_remaining=False)
    for i in range(count):
        start = data.offset
        phase_byte = data.data[start]
        if phase_byte == 0:
            phase = int.from_bytes(data.data[start + 1:start + 5], "little")
        else:
            phase = {1: "Finalization", 2: "Initialization"}.get(phase_byte, f"unknown phase {phase_byte}")
        record = substrate.runtime_config.create_scale_object(vec.sub_type, data=data, metadata=substrate.metadata)
        try:
            record.decode(check_remaining=False)
        except Exception:
            return i, phase, traceback.format_exc()
    return None


def locate_failure(locate, substrate, block_hash, what):
    """Called while handling a decoding error: the traceback, and what `locate` finds of the
    failing item (None if nothing, its own failure appended to the traceback)."""
    tb = traceback.format_exc()
    try:
        return locate(substrate, block_hash), tb
    except Exception:
        return None, tb + f"\n(while locating the failing {what}:)\n" + traceback.format_exc()


def decode_block(substrate, number, block_hash, stats):
    """Decodes one block and its events, updating stats. Returns the decoded extrinsics."""
    try:
        block = substrate.get_block(block_hash=block_hash, include_author=False)
    except Exception:
        located, tb = locate_failure(locate_bad_extrinsic, substrate, block_hash, "extrinsic")
        if located is None:
            raise DecodeError(number, "extrinsic index: none found failing (header/digest or RPC)", tb)
        idx, idx_tb, raw = located
        raise DecodeError(number, f"extrinsic index: {idx}", tb,
                          [describe_raw_extrinsic(raw), "decoding that extrinsic alone:\n" + idx_tb])
    if block is None:
        raise DecodeError(number, "block not found", "get_block returned None\n")

    extrinsics = block["extrinsics"]
    for idx, extrinsic in enumerate(extrinsics):
        if extrinsic is None:
            raise DecodeError(number, f"extrinsic index: {idx}", "extrinsic decoded to None\n")
        try:
            stats["calls"][call_name(extrinsic)] += 1
        except Exception:
            raise DecodeError(number, f"extrinsic index: {idx}", traceback.format_exc())
    stats["extrinsics"] += len(extrinsics)

    try:
        events = substrate.get_events(block_hash)
    except Exception:
        located, tb = locate_failure(locate_bad_event, substrate, block_hash, "event")
        if located is None:
            raise DecodeError(number, "events: failing record not located", tb)
        event_idx, phase, event_tb = located
        raise DecodeError(number, f"extrinsic index: {phase} (event index {event_idx})", tb,
                          ["decoding that event record alone:\n" + event_tb])

    for event_idx, event in enumerate(events):
        try:
            value = event.value
            name = f"{value['module_id']}.{value['event_id']}"
            attributes = value["attributes"]
        except Exception:
            raise DecodeError(number, f"extrinsic index: {getattr(event, 'extrinsic_idx', '?')} "
                              f"(event index {event_idx})", traceback.format_exc())
        stats["eventNames"][name] += 1
        if value["module_id"] in OWN_PALLETS and attributes is not None and not isinstance(attributes, dict):
            stats["unnamed"].add(name)
    stats["events"] += len(events)
    return extrinsics


def block_receipts(substrate, number, block_hash, extrinsics, report_call):
    """ExtrinsicReceipts of the signed extrinsics of a block with a report and another signed one.

    Returns None when the block does not qualify, else the list of receipt summaries."""
    reports = [i for i, ex in enumerate(extrinsics) if call_name(ex) == report_call]
    signed = [i for i, ex in enumerate(extrinsics) if is_signed(ex)]
    # A report, and a signed extrinsic other than that report (reports are bare now; were they
    # signed, two signed reports would qualify too).
    if not any(s != r for r in reports for s in signed):
        return None

    results = []
    for idx in signed:
        extrinsic = extrinsics[idx]
        where = f"extrinsic index: {idx} (receipt)"
        try:
            receipt = ExtrinsicReceipt(
                substrate, extrinsic_hash=extrinsic.value["extrinsic_hash"], block_hash=block_hash
            )
            success = receipt.is_success
            events = [f"{e.value['module_id']}.{e.value['event_id']}" for e in receipt.triggered_events]
            fee = receipt.total_fee_amount
            error = None if success else receipt.error_message
            found_idx = receipt.extrinsic_idx
        except Exception:
            raise DecodeError(number, where, traceback.format_exc())
        if found_idx != idx:
            raise DecodeError(number, where, f"receipt found the extrinsic at index {found_idx}\n")
        if success is None:
            raise DecodeError(number, where, "receipt has neither ExtrinsicSuccess nor ExtrinsicFailed\n")
        if not isinstance(fee, int):
            raise DecodeError(number, where, f"total_fee_amount is {fee!r}\n")
        if not success and not error:
            raise DecodeError(number, where, "failed extrinsic without an error_message\n")
        results.append({"block": number, "index": idx, "call": call_name(extrinsic),
                        "success": bool(success), "events": events})
    return results


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", required=True, help="node websocket RPC, e.g. ws://127.0.0.1:9944")
    parser.add_argument("--from", dest="first", type=int, default=0, help="first block number (default 0)")
    parser.add_argument("--to", dest="last", type=int, default=None,
                        help="last block number (default: the finalized head)")
    parser.add_argument("--receipts", action="store_true",
                        help="read ExtrinsicReceipts of the signed extrinsics of blocks with a report")
    parser.add_argument("--report-call", default=REPORT_CALL,
                        help=f"the call that marks a report block for --receipts (default {REPORT_CALL}; "
                             "another, e.g. Timestamp.set, exercises receipts on a chain without reports)")
    parser.add_argument("--timeout", type=float, default=30.0,
                        help="seconds for connecting and for each RPC answer (default 30)")
    args = parser.parse_args(argv)
    if args.first < 0:
        parser.error("--from must be >= 0")
    return args


def main(argv=None):
    args = parse_args(argv)
    substrate = SubstrateInterface(
        url=args.url,
        # websocket-client's create_connection(timeout=...) bounds the connect and every recv.
        ws_options={"timeout": args.timeout},
        # A dropped connection is an error, not something to retry forever.
        auto_reconnect=False,
    )
    try:
        last = args.last
        if last is None:
            last = substrate.get_block_number(substrate.get_chain_finalised_head())
        if last < args.first:
            print(f"--to {last} is below --from {args.first}", file=sys.stderr)
            return 2

        stats = {"extrinsics": 0, "events": 0, "calls": Counter(), "eventNames": Counter(), "unnamed": set()}
        report_blocks = 0
        receipts = []
        number = args.first
        try:
            for number in range(args.first, last + 1):
                block_hash = substrate.get_block_hash(number)
                if block_hash is None:
                    raise DecodeError(number, "block not found", f"no block hash for number {number}\n")
                extrinsics = decode_block(substrate, number, block_hash, stats)
                if any(call_name(ex) == args.report_call for ex in extrinsics):
                    report_blocks += 1
                if args.receipts:
                    found = block_receipts(substrate, number, block_hash, extrinsics, args.report_call)
                    if found:
                        receipts.extend(found)
        except DecodeError as e:
            print(f"decode error at block {e.block}, {e.where}", file=sys.stderr)
            for line in e.detail:
                print(line, file=sys.stderr)
            print(e.tb, file=sys.stderr, end="" if e.tb.endswith("\n") else "\n")
            return 1
        except Exception:
            print(f"error at block {number} (extrinsic index: unknown)", file=sys.stderr)
            traceback.print_exc()
            return 1

        result = {
            "blocks": last - args.first + 1,
            "extrinsics": stats["extrinsics"],
            "events": stats["events"],
            "calls": dict(sorted(stats["calls"].items())),
            "eventNames": dict(sorted(stats["eventNames"].items())),
            "reportBlocks": report_blocks,
            "receipts": receipts,
            "eventFieldsUnnamed": sorted(stats["unnamed"]),
        }
        json.dump(result, sys.stdout, indent=1)
        sys.stdout.write("\n")
        return 0
    finally:
        substrate.close()


if __name__ == "__main__":
    sys.exit(main())
