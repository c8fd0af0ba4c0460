#!/bin/sh
# install.sh: install a released ccu-purge binary, checked against trusted
# SHA-256 checksums.
#
#   sh install.sh [-b BINDIR] [-o OS] [-a ARCH] [TAG]
#
# TAG is a release tag such as v1.2.3; without one, the release whose
# checksums pinned-checksums.txt (beside this script) lists. OS and ARCH
# default to this machine (uname); they also take the GitHub runner's
# spellings (runner.os Linux|macOS|Windows, runner.arch X64|ARM64).
#
# The archive is trusted only when its SHA-256 is in the checksums file
# kept beside this script, in the same commit: a release asset swapped on
# the server after the release cannot pass. Two variables, and only these,
# change where it fetches and what it trusts (for tests and mirrors):
#   CCU_PURGE_RELEASES_URL  instead of https://github.com/ccu-purge/ccu-purge/releases
#                           (assets are fetched from $CCU_PURGE_RELEASES_URL/download/TAG/ASSET)
#   CCU_PURGE_CHECKSUMS     a trusted checksums file instead of pinned-checksums.txt
#
# In GitHub Actions (RUNNER_TOOL_CACHE set, no -b) the binary is kept in
# $RUNNER_TOOL_CACHE/ccu-purge/VERSION/ARCH, so a second use in the job
# downloads nothing. Elsewhere it goes to BINDIR (default ./bin).
#
# POSIX sh: runs under dash, bash, busybox and Git Bash on Windows.
set -eu

usage='usage: sh install.sh [-b BINDIR] [-o OS] [-a ARCH] [TAG]'

die() {
	printf 'install.sh: %s\n' "$*" >&2
	exit 1
}

# hint prints the line of advice that goes with a refusal.
hint() {
	printf '  what to do: %s\n' "$*" >&2
}

# redact drops user info and any query or fragment from a URL, so an error
# naming it never shows a mirror's credentials.
redact() {
	printf '%s\n' "$1" | sed -e 's#^\([A-Za-z][A-Za-z0-9+.-]*://\)[^/@]*@#\1#' -e 's/[?#].*$//'
}

# os_name and arch_name map uname's and the runner's names onto the
# release's: linux|darwin|windows, amd64|arm64.
os_name() {
	case $1 in
	Linux | linux) echo linux ;;
	Darwin | darwin | macOS | macos | mac) echo darwin ;;
	Windows | windows | MINGW* | MSYS* | CYGWIN* | mingw* | msys* | cygwin*) echo windows ;;
	*) die "unsupported OS '$1': releases exist for linux, darwin and windows (-o OS)" ;;
	esac
}

arch_name() {
	case $1 in
	x86_64 | amd64 | X64 | x64) echo amd64 ;;
	aarch64 | arm64 | ARM64 | armv8* | arm64e) echo arm64 ;;
	*) die "unsupported architecture '$1': releases exist for amd64 and arm64 (-a ARCH)" ;;
	esac
}

# sha256 prints a file's SHA-256 in hex with whichever tool exists.
sha256() {
	if command -v sha256sum >/dev/null 2>&1; then
		sha256sum "$1" | cut -d ' ' -f 1
	elif command -v shasum >/dev/null 2>&1; then
		shasum -a 256 "$1" | cut -d ' ' -f 1
	elif command -v openssl >/dev/null 2>&1; then
		openssl dgst -sha256 "$1" | sed 's/^.*= *//'
	else
		die "no SHA-256 tool: install sha256sum (coreutils), shasum (perl) or openssl"
	fi
}

# checksum_of prints the hash listed for a file name ("" for none,
# "conflict" when it is listed with two different ones); the lines are
# "<hex>  <name>" as sha256sum and GoReleaser write them, maybe with CRLF
# line ends (a Windows checkout or editor).
checksum_of() {
	awk -v f="$2" '{ sub(/\r$/, "") }
		$2 == f || $2 == "*" f {
			h = tolower($1)
			if (found != "" && found != h) { found = "conflict"; exit }
			found = h
		}
		END { print found }' "$1"
}

# fetch downloads URL to FILE, and refuses anything but a 200.
fetch() {
	shown=$(redact "$1")
	if command -v curl >/dev/null 2>&1; then
		code=$(curl -sSL --retry 2 --retry-delay 1 -o "$2" -w '%{http_code}' "$1") || {
			printf 'install.sh: cannot download %s (curl exit %s)\n' "$shown" "$?" >&2
			hint "check the network and any proxy (curl reads HTTPS_PROXY), or the mirror in CCU_PURGE_RELEASES_URL"
			exit 1
		}
		[ "$code" = 200 ] || {
			printf 'install.sh: HTTP %s for %s\n' "$code" "$shown" >&2
			hint "check that release $tag exists and has the asset $asset; a mirror (CCU_PURGE_RELEASES_URL) must serve it as .../download/TAG/ASSET"
			exit 1
		}
	elif command -v wget >/dev/null 2>&1; then
		wget -q -O "$2" "$1" || {
			printf 'install.sh: cannot download %s (wget exit %s: an HTTP error or no connection)\n' "$shown" "$?" >&2
			hint "check that release $tag exists and has the asset $asset; a mirror (CCU_PURGE_RELEASES_URL) must serve it as .../download/TAG/ASSET"
			exit 1
		}
	else
		die "neither curl nor wget is installed"
	fi
}

# extract unpacks the archive into a directory.
extract() {
	case $1 in
	*.tar.gz) tar -xzf "$1" -C "$2" ;;
	*.zip)
		if command -v unzip >/dev/null 2>&1; then
			unzip -q -o "$1" -d "$2"
		elif command -v powershell.exe >/dev/null 2>&1 && command -v cygpath >/dev/null 2>&1; then
			powershell.exe -NoProfile -NonInteractive -Command \
				"Expand-Archive -Force -LiteralPath '$(cygpath -w "$1")' -DestinationPath '$(cygpath -w "$2")'"
		else
			die "cannot unpack $1: install unzip"
		fi
		;;
	esac
}

bindir=
os=
arch=
while getopts 'b:o:a:h' opt; do
	case $opt in
	b) bindir=$OPTARG ;;
	o) os=$OPTARG ;;
	a) arch=$OPTARG ;;
	h)
		echo "$usage"
		exit 0
		;;
	*)
		echo "$usage" >&2
		exit 2
		;;
	esac
done
shift $((OPTIND - 1))
[ $# -le 1 ] || {
	echo "$usage" >&2
	exit 2
}
tag=${1:-}

os=$(os_name "${os:-$(uname -s)}")
arch=$(arch_name "${arch:-$(uname -m)}")
ext=tar.gz exe=
if [ "$os" = windows ]; then
	ext=zip exe=.exe
fi

# CDPATH would make cd print, and even pick another folder of that name.
here=$(CDPATH='' && cd -- "$(dirname -- "$0")" && pwd)
sums=${CCU_PURGE_CHECKSUMS:-$here/pinned-checksums.txt}
[ -f "$sums" ] || {
	printf 'install.sh: no trusted checksums file: %s does not exist\n' "$sums" >&2
	hint "run this script from a release tag's files (they hold pinned-checksums.txt), or set CCU_PURGE_CHECKSUMS to a checksums.txt you trust"
	exit 1
}

# Without a tag: the release the trusted checksums are for.
if [ -z "$tag" ]; then
	version=$(awk -v s="_${os}_${arch}.${ext}" '{ sub(/\r$/, "") }
		index($2, "ccu-purge_") == 1 && substr($2, length($2) - length(s) + 1) == s {
			print substr($2, 11, length($2) - 10 - length(s)); exit }' "$sums")
	[ -n "$version" ] || {
		printf 'install.sh: %s lists no ccu-purge archive for %s/%s\n' "$sums" "$os" "$arch" >&2
		hint "name a release tag (sh install.sh v1.2.3) with a checksums file that lists it"
		exit 1
	}
	tag=v$version
fi
case $tag in
v[0-9]*) ;;
[0-9]*) tag=v$tag ;;
*) die "'$tag' is not a release tag (vX.Y.Z)" ;;
esac
version=${tag#v}
# The version names files, a URL and a folder of the tool cache: no slash,
# no blank, nothing a shell or a URL reads.
case $version in
*[!0-9A-Za-z.+_-]* | *..*) die "'$tag' is not a release tag (vX.Y.Z)" ;;
esac
asset=ccu-purge_${version}_${os}_${arch}.${ext}

# The tool cache: a marker written last says the directory is complete.
if [ -z "$bindir" ] && [ -n "${RUNNER_TOOL_CACHE:-}" ]; then
	cache=$RUNNER_TOOL_CACHE
	if command -v cygpath >/dev/null 2>&1; then
		cache=$(cygpath -u "$cache")
	fi
	bindir=$cache/ccu-purge/$version/$arch
	marker=$bindir.complete
	if [ -f "$marker" ] && [ -x "$bindir/ccu-purge$exe" ]; then
		# A self-hosted runner keeps its tool cache across jobs and
		# repositories: the copy there is used only if it is the pinned
		# binary, the bytes of the release's plain executable (the Akamai
		# CLI's name for it, listed in the same checksums). A GitHub-hosted
		# runner's is the job's own VM: no hash to pay there.
		akos=$os
		[ "$akos" != darwin ] || akos=mac
		pin=$(checksum_of "$sums" "akamai-ccu-purge-$version-$akos$arch$exe")
		if [ "${RUNNER_ENVIRONMENT:-}" = github-hosted ] || [ -z "$pin" ] || [ "$(sha256 "$bindir/ccu-purge$exe")" = "$pin" ]; then
			echo "ccu-purge $version: found in the tool cache, $bindir/ccu-purge$exe"
			if [ -n "${GITHUB_OUTPUT:-}" ]; then
				echo "bin=$bindir/ccu-purge$exe" >>"$GITHUB_OUTPUT"
			fi
			exit 0
		fi
		printf 'install.sh: %s is not the binary %s pins: installing it again\n' "$bindir/ccu-purge$exe" "$sums" >&2
		rm -f "$marker"
	fi
else
	bindir=${bindir:-./bin}
	marker=
fi

# The expected hash comes first: a release this file does not vouch for
# costs no download.
want=$(checksum_of "$sums" "$asset")
case $want in
conflict) die "$sums lists $asset twice, with different checksums: fix or replace that file" ;;
*[!0-9a-f]*) want=bad ;;
'') ;;
*) [ ${#want} -eq 64 ] || want=bad ;;
esac
[ -n "$want" ] || {
	printf 'install.sh: no checksum for %s in %s\n' "$asset" "$sums" >&2
	hint "use a release tag whose files pin this release (the action's ref, or sh install.sh TAG from that tag's checkout), or set CCU_PURGE_CHECKSUMS to that release's checksums.txt after checking it (cosign verify-blob, gh attestation verify)"
	exit 1
}
[ "$want" != bad ] || die "the entry for $asset in $sums is not a SHA-256"

base=${CCU_PURGE_RELEASES_URL:-https://github.com/ccu-purge/ccu-purge/releases}
base=${base%/}
tmp=$(mktemp -d 2>/dev/null || mktemp -d -t ccu-purge)
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

fetch "$base/download/$tag/$asset" "$tmp/$asset"
got=$(sha256 "$tmp/$asset")
[ "$got" = "$want" ] || {
	printf 'install.sh: checksum mismatch for %s\n  expected %s (from %s)\n  actual   %s\n' "$asset" "$want" "$sums" "$got" >&2
	hint "do not use this file: it is not the release that was pinned. Download it again; if it still differs, the release asset was replaced: report it at https://github.com/ccu-purge/ccu-purge/issues"
	exit 1
}

mkdir "$tmp/x"
extract "$tmp/$asset" "$tmp/x"
# At the top, or in one folder (an archive made with wrap_in_directory).
found=$(find "$tmp/x" -maxdepth 2 -type f -name "ccu-purge$exe" | head -n 1)
[ -n "$found" ] || die "$asset holds no ccu-purge$exe"
chmod +x "$found"
mkdir -p "$bindir"
mv -f "$found" "$bindir/ccu-purge$exe"
if [ -n "$marker" ]; then
	: >"$marker"
fi
echo "ccu-purge $version ($os/$arch) installed in $bindir/ccu-purge$exe (SHA-256 of $asset checked against $sums)"
if [ -n "${GITHUB_OUTPUT:-}" ]; then
	echo "bin=$bindir/ccu-purge$exe" >>"$GITHUB_OUTPUT"
fi
