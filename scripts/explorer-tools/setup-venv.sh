#!/usr/bin/env bash
# Creates the Python venv of the explorer decoding check (decode_blocks.py) at
# ${DEPIN_PY_VENV:-/var/tmp/depin-pyenv}, from requirements.txt beside this script, installed with
# --require-hashes. Like the npm packages of scripts/setup.sh, it is (re)built only when
# requirements.txt changed: the sha256 of the file it was built from is kept in a stamp inside the venv.
# The interpreter is ${DEPIN_PYTHON:-python3.11} (requirements.txt is pinned for CPython 3.11).
# The last line printed on stdout is the venv's python; everything else goes to stderr.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/../lib.sh"

venv="${DEPIN_PY_VENV:-/var/tmp/depin-pyenv}"
req="$here/requirements.txt"
stamp="$venv/.depin-requirements-sha256"
python="${DEPIN_PYTHON:-}"
if [ -z "$python" ]; then
	python="$(command -v python3.11 || command -v python3 || true)"
fi
[ -n "$python" ] && command -v "$python" >/dev/null || die "no python3.11 (nor python3) found; set DEPIN_PYTHON"

want="$(sha256sum "$req" | cut -d' ' -f1)"

# One setup at a time per venv: a second caller waits, then finds the stamp current.
mkdir -p "$(dirname "$venv")"
exec 9>"$venv.lock"
flock 9

if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ] || ! "$venv/bin/python" -c 'import substrateinterface' 2>/dev/null; then
	version="$("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
	[ "$version" = "3.11" ] || log "warning: $python is Python $version; requirements.txt was resolved for 3.11"
	log "creating Python venv $venv (pip install --require-hashes -r ${req#"$REPO_ROOT"/})"
	rm -f "$stamp"
	# --clear: a refresh starts empty, so no package of an older requirements.txt lingers.
	"$python" -m venv --clear "$venv"
	"$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-input \
		--require-hashes -r "$req" >&2
	"$venv/bin/python" -m pip check >&2
	echo "$want" >"$stamp"
fi

echo "$venv/bin/python"
