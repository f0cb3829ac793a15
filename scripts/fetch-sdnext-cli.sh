#!/usr/bin/env bash
# Puts SD.Next's own API example scripts (cli/ in vladmandic/sdnext, at the commit Easel's SD.Next facts come
# from) into a folder outside git, for GatewayPythonTests to run against Easel. They are SD.Next's code (AGPL),
# so they are fetched, never committed here.
#
#   scripts/fetch-sdnext-cli.sh [DESTINATION]    (default: .build/sdnext-cli; the scripts land in DESTINATION/cli)
#
# Read from a local mirror of the repository when there is one (SDNEXT_MIRROR, a git directory; default
# /work/.mirror/vladmandic+sdnext/repo), else downloaded from GitHub at the pinned commit.
set -euo pipefail
cd "$(dirname "$0")/.."

commit=058a7f0cf326f39c0135c6257d7b7e61073e51fd
destination=${1:-.build/sdnext-cli}
mirror=${SDNEXT_MIRROR:-/work/.mirror/vladmandic+sdnext/repo}
# The scripts GatewayPythonTests runs, and the modules SD.Next's other cli scripts import (sdapi.py, util.py).
files=(
    api-txt2img.py api-img2img.py api-control.py api-info.py api-samplers.py api-checkpoint.py api-json.py
    api-history.py api-progress.py api-grid.py sdapi.py util.py
)

mkdir -p "$destination/cli"
if git --git-dir="$mirror" cat-file -e "$commit^{commit}" 2>/dev/null; then
    git --git-dir="$mirror" archive "$commit" "${files[@]/#/cli/}" | tar -x -C "$destination"
    source="mirror $mirror"
else
    for file in "${files[@]}"; do
        curl -fsSL --retry 3 -o "$destination/cli/$file" \
            "https://raw.githubusercontent.com/vladmandic/sdnext/$commit/cli/$file"
    done
    source="github.com/vladmandic/sdnext"
fi
echo "$commit" >"$destination/COMMIT"
echo "SD.Next cli scripts at ${commit:0:7} from $source in $destination/cli"
