#!/usr/bin/env bash
# Installs the editors the end-to-end tests drive, into a private folder, without touching the system:
#   Neovim 0.10 (Debian trixie), Neovim 0.12 and Helix 25.07 (Debian forky),
# each unpacked with its own suite's libc (apt-get with a private state and an empty dpkg status downloads the
# package and its whole dependency closure; dpkg-deb -x unpacks them) and pointed at it with patchelf. Neovim 0.7 is Debian 12's own package (apt-get install neovim, done by .ci/run).
#
# usage: .ci/editors.sh [PREFIX]     (default: $CGO_E2E_EDITORS, else ~/.cache/cgo-ls-e2e)
# Result: PREFIX/bin/nvim-0.10, PREFIX/bin/nvim-0.12, PREFIX/bin/hx (wrappers; the tests look there).
# Needs: apt-get, dpkg-deb, patchelf (apt-get install -y patchelf), and the Debian archive keyring.
set -euo pipefail
prefix=${1:-${CGO_E2E_EDITORS:-$HOME/.cache/cgo-ls-e2e}}
mkdir -p "$prefix/bin"
prefix=$(cd "$prefix" && pwd)

for t in apt-get dpkg-deb patchelf; do
  command -v "$t" >/dev/null || { echo "editors.sh: $t is missing (apt-get install -y patchelf)" >&2; exit 1; }
done

# The mirror the system already uses (deb822 sources on Debian 12+, else the classic sources.list).
mirror=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/*.sources 2>/dev/null || true)
[ -n "$mirror" ] || mirror=$(awk '$1 == "deb" {print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)
[ -n "$mirror" ] || mirror=http://deb.debian.org/debian

# unpack SUITE DEST PACKAGE...: downloads the packages of SUITE with every dependency (as if nothing were
# installed: the dpkg status is empty, so library renames in the suite need no change here) and extracts them
# into DEST. Nothing is configured or installed on the system.
unpack() {
  local suite=$1 dest=$2; shift 2
  local state; state=$(mktemp -d)
  mkdir -p "$state/lists/partial" "$state/archives/partial" "$dest"
  : >"$state/status"
  echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror $suite main" >"$state/sources.list"
  local apt=(apt-get -qq -o APT::Sandbox::User=root -o Dir::Etc::SourceList="$state/sources.list"
    -o Dir::Etc::SourceParts=/dev/null -o Dir::State::Lists="$state/lists" -o Dir::Cache::Archives="$state/archives"
    -o Dir::State::status="$state/status" -o APT::Architecture=amd64 -o APT::Install-Recommends=false)
  "${apt[@]}" update
  "${apt[@]}" install --download-only -y "$@" >/dev/null
  local deb
  for deb in "$state"/archives/*.deb; do dpkg-deb -x "$deb" "$dest"; done
  echo "editors.sh: $suite → $dest: $(cd "$state/archives" && ls -- *.deb | sed 's/_amd64\.deb\|_all\.deb//' | tr '\n' ' ')"
  rm -rf "$state"
}

# relink DEST BINARY: a copy of DEST/usr/bin/BINARY that loads DEST's libc and libraries. (Not run through ld.so
# directly: Neovim's TUI re-executes /proc/self/exe with --embed, which would then be the loader.)
relink() {
  local dest=$1 name=$2
  mkdir -p "$dest/bin"
  cp "$dest/usr/bin/$name" "$dest/bin/$name"
  patchelf --set-interpreter "$dest/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2" \
    --set-rpath "$dest/usr/lib/x86_64-linux-gnu:$dest/lib/x86_64-linux-gnu" "$dest/bin/$name"
  if ldd "$dest/bin/$name" | grep -q 'not found'; then
    ldd "$dest/bin/$name" | grep 'not found' >&2
    echo "editors.sh: $dest/bin/$name is missing libraries (above)" >&2
    exit 1
  fi
}

# wrapper NAME TARGET [VAR=VALUE...]: PREFIX/bin/NAME runs TARGET with the given environment.
wrapper() {
  local name=$1 target=$2; shift 2
  { echo '#!/bin/sh'; for kv in "$@"; do echo "export ${kv%%=*}='${kv#*=}'"; done; echo "exec '$target' \"\$@\""; } >"$prefix/bin/$name"
  chmod +x "$prefix/bin/$name"
}

trixie="$prefix/trixie" forky="$prefix/forky"
rm -rf "$trixie" "$forky"

unpack trixie "$trixie" neovim
relink "$trixie" nvim
wrapper nvim-0.10 "$trixie/bin/nvim" "VIMRUNTIME=$trixie/usr/share/nvim/runtime"

unpack forky "$forky" hx neovim
relink "$forky" nvim
relink "$forky" hx
wrapper nvim-0.12 "$forky/bin/nvim" "VIMRUNTIME=$forky/usr/share/nvim/runtime"
wrapper hx "$forky/bin/hx"

"$prefix/bin/nvim-0.10" --version | head -1
"$prefix/bin/nvim-0.12" --version | head -1
"$prefix/bin/hx" --version
