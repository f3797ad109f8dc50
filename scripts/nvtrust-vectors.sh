#!/usr/bin/env bash
# Unpacks NVIDIA's public attestation test vectors into $DEPIN_NVTRUST_VECTORS from the pinned
# PyPI wheel nv-local-gpu-verifier==2.7.3 (BSD-3-Clause, NVIDIA), checked against its sha256:
# verifier/samples/hopperAttestationReport.txt, hopperCertChain.txt and
# verifier/certs/verifier_device_root.pem. Nothing of it is committed to the repository.
# Skips everything when the files are already there.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

WHEEL=nv_local_gpu_verifier-2.7.3-py3-none-any.whl
WHEEL_URL="https://files.pythonhosted.org/packages/py3/n/nv-local-gpu-verifier/$WHEEL"
WHEEL_SHA256=27259ce3d828ca102db17f4b70c7b85c1882a55f99153eb706fcb1866db0fe7a
FILES=(verifier/samples/hopperAttestationReport.txt verifier/samples/hopperCertChain.txt verifier/certs/verifier_device_root.pem)

dir="$DEPIN_NVTRUST_VECTORS"
if [ -f "$dir/.wheel-sha256" ] && [ "$(cat "$dir/.wheel-sha256")" = "$WHEEL_SHA256" ]; then
	exit 0
fi
log "fetching NVIDIA's attestation test vectors (pinned wheel nv-local-gpu-verifier==2.7.3) into $dir"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# pip resolves the wheel on PyPI (or the machine's configured index/mirror); the hash decides.
if ! python3 -m pip download --quiet --no-deps --only-binary=:all: --dest "$work" "nv-local-gpu-verifier==2.7.3" 2>/dev/null; then
	curl -fsSL --retry 3 -o "$work/$WHEEL" "$WHEEL_URL"
fi
got="$(sha256sum "$work/$WHEEL" | cut -d' ' -f1)"
[ "$got" = "$WHEEL_SHA256" ] || die "$WHEEL has sha256 $got, expected $WHEEL_SHA256"
mkdir -p "$dir"
python3 - "$work/$WHEEL" "$dir" "${FILES[@]}" <<'PY'
import os, sys, zipfile
wheel, dest, names = sys.argv[1], sys.argv[2], sys.argv[3:]
with zipfile.ZipFile(wheel) as archive:
    for name in names:
        with open(os.path.join(dest, os.path.basename(name)), "wb") as out:
            out.write(archive.read(name))
PY
echo "$WHEEL_SHA256" >"$dir/.wheel-sha256"
