#!/bin/sh
# Installs fleek-agents from a release archive: picks this machine's build, downloads it,
# checks its SHA-256 checksum (a mismatch installs nothing), and copies the binary into a
# directory of the user's (no root needed).
#
#   curl -LsSf <release>/fleek-agents-installer.sh | sh
#   sh fleek-agents-installer.sh --version 0.3.0 --to ~/bin
#
# The checksum guards against a damaged or truncated download. It comes from the same
# place as the archive, so it cannot vouch for a mirror: `gh attestation verify` checks
# that an archive was built by the project's release workflow (see CONTRIBUTING.md).
#
# POSIX sh on purpose: it runs under dash, busybox and macOS's sh, and on Windows in Git
# Bash (the GitHub Action's runners).
set -eu

# `cargo xtask dist --base-url` writes the release's values into the copy it publishes.
DEFAULT_BASE_URL=''
DEFAULT_VERSION='latest'
# The glibc of the machines the release's `-linux-gnu` builds are made on: on an older
# one (or on musl) the static `-linux-musl` build is installed instead.
BUILD_GLIBC='2.35'

usage() {
    cat <<'EOF'
fleek-agents installer: download, verify and install a release of fleek-agents.

usage: fleek-agents-installer.sh [options]

  --version V      the version to install: 0.3.0 (or v0.3.0), or latest
                   [env FLEEK_AGENTS_VERSION; default: the release this installer came with]
  --to DIR         where to put the binary [env FLEEK_AGENTS_INSTALL_DIR; default ~/.local/bin]
  --base-url URL   where releases are, laid out as GitHub lays them out:
                   URL/download/vV/<file> and URL/latest/download/<file>; for a mirror
                   [env FLEEK_AGENTS_BASE_URL; default: the project's releases]
  --target TRIPLE  the build to install (default: this machine's; see --print-target)
  --print-target   print the build this machine would get, and exit
  -q, --quiet      print only errors
  -h, --help       this text
EOF
}

quiet=0
say() {
    if [ "$quiet" = 0 ]; then
        printf 'fleek-agents installer: %s\n' "$*" >&2
    fi
}
die() {
    printf 'fleek-agents installer: error: %s\n' "$*" >&2
    exit 1
}

version="${FLEEK_AGENTS_VERSION:-$DEFAULT_VERSION}"
base_url="${FLEEK_AGENTS_BASE_URL:-$DEFAULT_BASE_URL}"
to="${FLEEK_AGENTS_INSTALL_DIR:-}"
target=''
print_target=0
while [ $# -gt 0 ]; do
    case "$1" in
        --version) [ $# -ge 2 ] || die "--version needs a value (0.3.0 or latest)"; version="$2"; shift 2 ;;
        --version=*) version="${1#*=}"; shift ;;
        --to) [ $# -ge 2 ] || die "--to needs a directory"; to="$2"; shift 2 ;;
        --to=*) to="${1#*=}"; shift ;;
        --base-url) [ $# -ge 2 ] || die "--base-url needs a URL"; base_url="$2"; shift 2 ;;
        --base-url=*) base_url="${1#*=}"; shift ;;
        --target) [ $# -ge 2 ] || die "--target needs a target triple"; target="$2"; shift 2 ;;
        --target=*) target="${1#*=}"; shift ;;
        --print-target) print_target=1; shift ;;
        -q | --quiet) quiet=1; shift ;;
        -h | --help) usage; exit 0 ;;
        *) die "unknown argument '$1' (see --help)" ;;
    esac
done

# Is the dotted version $1 at least $2? (`sort -V` is not POSIX.)
version_at_least() {
    [ "$(printf '%s\n%s\n' "$1" "$2" | sort -t. -k1,1n -k2,2n | head -n 1)" = "$2" ]
}

detect_target() {
    arch=$(uname -m)
    case "$arch" in
        x86_64 | amd64) arch=x86_64 ;;
        aarch64 | arm64) arch=aarch64 ;;
        *) die "no prebuilt fleek-agents for a $arch processor; build it instead: cargo install fleek-api --features cli,sim,mcp --locked" ;;
    esac
    os=$(uname -s)
    case "$os" in
        Linux)
            glibc=$(getconf GNU_LIBC_VERSION 2>/dev/null | sed -n 's/^glibc //p')
            if [ -n "$glibc" ] && version_at_least "$glibc" "$BUILD_GLIBC"; then
                echo "$arch-unknown-linux-gnu"
            else
                echo "$arch-unknown-linux-musl"
            fi
            ;;
        Darwin)
            # A shell under Rosetta reports x86_64 on Apple silicon: take the native build.
            if [ "$arch" = x86_64 ] && [ "$(sysctl -n sysctl.proc_translated 2>/dev/null || echo 0)" = 1 ]; then
                arch=aarch64
            fi
            echo "$arch-apple-darwin"
            ;;
        MINGW* | MSYS* | CYGWIN* | Windows_NT)
            [ "$arch" = x86_64 ] || die "no prebuilt fleek-agents for Windows on $arch; build it instead: cargo install fleek-api --features cli,sim,mcp --locked"
            echo "x86_64-pc-windows-msvc"
            ;;
        *) die "no prebuilt fleek-agents for $os; build it instead: cargo install fleek-api --features cli,sim,mcp --locked" ;;
    esac
}

[ -n "$target" ] || target=$(detect_target)
if [ "$print_target" = 1 ]; then
    echo "$target"
    exit 0
fi

case "$target" in
    *-windows-*) archive="fleek-agents-$target.zip"; bin=fleek-agents.exe ;;
    *) archive="fleek-agents-$target.tar.gz"; bin=fleek-agents ;;
esac

[ -n "$base_url" ] || die "no release location: pass --base-url URL (or set FLEEK_AGENTS_BASE_URL); this copy of the installer was not stamped by a release"
base_url="${base_url%/}"
case "$version" in
    latest) url="$base_url/latest/download" ;;
    v[0-9]*.[0-9]*.[0-9]* | [0-9]*.[0-9]*.[0-9]*) version="${version#v}"; url="$base_url/download/v$version" ;;
    *) die "'$version' is not a version: give one like 0.3.0, or latest" ;;
esac

[ -n "$to" ] || {
    [ -n "${HOME:-}" ] || die "HOME is not set: say where to install with --to DIR"
    to="$HOME/.local/bin"
}

download() {
    if command -v curl >/dev/null 2>&1; then
        curl --fail --silent --show-error --location --retry 3 --output "$2" "$1"
    elif command -v wget >/dev/null 2>&1; then
        wget --quiet --tries=3 --output-document="$2" "$1"
    else
        die "needs curl or wget to download"
    fi
}

sha256_of() {
    if command -v sha256sum >/dev/null 2>&1; then
        sha256sum "$1" | cut -d ' ' -f 1
    elif command -v shasum >/dev/null 2>&1; then
        shasum -a 256 "$1" | cut -d ' ' -f 1
    elif command -v openssl >/dev/null 2>&1; then
        openssl dgst -sha256 -r "$1" | cut -d ' ' -f 1
    else
        die "needs sha256sum, shasum or openssl to check the download"
    fi
}

scratch=$(mktemp -d 2>/dev/null || mktemp -d -t fleek-agents)
trap 'rm -rf "$scratch"' EXIT HUP INT TERM

say "downloading $url/$archive"
download "$url/$archive" "$scratch/$archive" ||
    die "could not download $url/$archive: is $version a released version, and is the release location ($base_url) right? Nothing was installed."
download "$url/$archive.sha256" "$scratch/$archive.sha256" ||
    die "could not download the checksum $url/$archive.sha256; nothing was installed."

expected=$(cut -d ' ' -f 1 <"$scratch/$archive.sha256" | tr -d '\r\n' | tr 'A-F' 'a-f')
actual=$(sha256_of "$scratch/$archive")
case "$expected" in
    "" | *[!0-9a-f]*) die "the checksum file $archive.sha256 holds no SHA-256 checksum; nothing was installed." ;;
esac
[ "$expected" = "$actual" ] ||
    die "checksum mismatch for $archive: expected $expected, got $actual. The download is damaged or is not the released file; nothing was installed. Try again, or check --base-url."
say "checksum verified (sha256 $actual)"

mkdir "$scratch/unpacked"
case "$archive" in
    *.zip)
        if command -v unzip >/dev/null 2>&1; then
            unzip -q "$scratch/$archive" -d "$scratch/unpacked"
        else
            tar -xf "$scratch/$archive" -C "$scratch/unpacked"
        fi
        ;;
    *) tar -xzf "$scratch/$archive" -C "$scratch/unpacked" ;;
esac
unpacked="$scratch/unpacked/fleek-agents-$target/$bin"
[ -f "$unpacked" ] || die "$archive holds no fleek-agents-$target/$bin; nothing was installed."

mkdir -p "$to" || die "cannot create $to; choose another directory with --to DIR"
# Copy beside the old binary, then rename: a running fleek-agents is never half-written.
cp "$unpacked" "$to/.$bin.new.$$" || die "cannot write to $to; choose another directory with --to DIR"
chmod 755 "$to/.$bin.new.$$"
mv -f "$to/.$bin.new.$$" "$to/$bin"

installed=$("$to/$bin" --version 2>/dev/null | head -n 1) ||
    die "installed $to/$bin, but it does not run on this machine (built for $target); try another --target"
say "installed $installed in $to/$bin"
case ":${PATH:-}:" in
    *":$to:"*) ;;
    *) say "$to is not on your PATH: add it, e.g. export PATH=\"$to:\$PATH\"" ;;
esac
