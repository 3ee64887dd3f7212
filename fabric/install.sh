#!/usr/bin/env bash
# Builds the Hyperledger Fabric 2.5 binaries (peer, orderer, configtxgen, cryptogen, osnadmin)
# from source, through the Go module proxy, into $FABRIC_HOME/bin, and copies Fabric's
# sampleconfig to $FABRIC_HOME/config. No Docker images and no prebuilt binaries are downloaded.
#
# Usage: bash fabric/install.sh [--force]
#   --force   rebuild even when the binaries are already built from the pinned version
#
# Re-running is cheap: the build is skipped when every binary exists and $FABRIC_HOME/bin/
# .build-stamp names the same Fabric version. The Go build cache (~/.cache/go-build) is what
# makes a forced rebuild fast; it is deliberately left alone.
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

usage() {
  sed -n '2,11p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

force=false
while (($# > 0)); do
  case "$1" in
    --force) force=true ;;
    -h | --help)
      usage
      exit 0
      ;;
    *) die "unknown argument: $1 (see --help)" ;;
  esac
  shift
done

# Prints the module cache directory of the pinned Fabric module, downloading it if needed.
fabric_module_dir() {
  local json dir
  # Run outside any Go module so the repository layout cannot influence resolution.
  json="$(cd / && GOFLAGS=-mod=mod go mod download -json "$FABRIC_MODULE@$FABRIC_MODULE_VERSION")" ||
    die "go mod download $FABRIC_MODULE@$FABRIC_MODULE_VERSION failed"
  dir="$(sed -n 's/^[[:space:]]*"Dir":[[:space:]]*"\(.*\)",\{0,1\}$/\1/p' <<<"$json")"
  [[ -n "$dir" && -d "$dir" ]] || die "could not find the module directory in: $json"
  printf '%s' "$dir"
}

# Checks that the Go toolchain is new enough for Fabric 2.5 (go.mod says go 1.20).
check_go() {
  require_command go "install Go 1.20 or newer"
  local version major minor
  version="$(go env GOVERSION)"
  if [[ "$version" =~ ^go([0-9]+)\.([0-9]+) ]]; then
    major=${BASH_REMATCH[1]}
    minor=${BASH_REMATCH[2]}
    if ((major < 1 || (major == 1 && minor < 20))); then
      die "Fabric $FABRIC_RELEASE needs Go >= 1.20, found $version"
    fi
  fi
  log "Using $version ($(command -v go))"
}

build_binaries() {
  local module_dir=$1 staging
  staging="$(mktemp -d "$FABRIC_HOME/.bin-build.XXXXXX")"
  # shellcheck disable=SC2064 # expand now: the trap must remove this very directory
  trap "rm -rf '$staging'" EXIT

  local -a packages=()
  local bin
  for bin in "${FABRIC_BINARIES[@]}"; do
    packages+=("./cmd/$bin")
  done

  log "Building ${FABRIC_BINARIES[*]} (Fabric $FABRIC_RELEASE, commit $FABRIC_COMMIT)"
  log "  from $module_dir"
  log "  a cold build takes a few minutes; later builds reuse the Go build cache"
  local started=$SECONDS
  # The module zip has no vendor tree, hence -mod=mod. GOTOOLCHAIN=local: never download a
  # different Go toolchain. One `go build` compiles all five commands in parallel.
  (
    cd "$module_dir"
    GOFLAGS=-mod=mod GOTOOLCHAIN=local go build -mod=mod -trimpath \
      -ldflags "-X $FABRIC_MODULE/common/metadata.Version=$FABRIC_RELEASE -X $FABRIC_MODULE/common/metadata.CommitSHA=$FABRIC_COMMIT" \
      -o "$staging/" "${packages[@]}"
  ) || die "go build failed"

  mkdir -p "$BIN_DIR"
  rm -f "$BUILD_STAMP"
  for bin in "${FABRIC_BINARIES[@]}"; do
    [[ -x "$staging/$bin" ]] || die "go build did not produce $bin"
    mv -f "$staging/$bin" "$BIN_DIR/$bin"
  done
  # The stamp is written last: an interrupted build is never mistaken for a complete one.
  printf '%s\n' "$BUILD_STAMP_CONTENT" >"$BUILD_STAMP"
  log "Built into $BIN_DIR in $((SECONDS - started))s"
}

copy_sample_config() {
  local module_dir=$1
  log "Copying Fabric sampleconfig to $SAMPLE_CONFIG_DIR"
  rm -rf "$SAMPLE_CONFIG_DIR"
  cp -R "$module_dir/sampleconfig" "$SAMPLE_CONFIG_DIR"
  # Files in the Go module cache are read-only; make the copy writable and removable.
  chmod -R u+w "$SAMPLE_CONFIG_DIR"
}

main() {
  acquire_lock
  log "Fabric $FABRIC_RELEASE ($FABRIC_MODULE@$FABRIC_MODULE_VERSION) into $FABRIC_HOME"
  mkdir -p "$FABRIC_HOME"

  if ! $force && fabric_installed; then
    log "Binaries in $BIN_DIR are already built from this version (stamp: $BUILD_STAMP); nothing to do"
    log "  use --force to rebuild"
    return 0
  fi

  check_go
  log "Resolving $FABRIC_MODULE@$FABRIC_MODULE_VERSION through the Go module proxy"
  local module_dir
  module_dir="$(fabric_module_dir)"

  build_binaries "$module_dir"
  copy_sample_config "$module_dir"

  log "Installed: $("$BIN_DIR/peer" version | sed -n 's/^ *Version: *//p' | head -n 1) ($BIN_DIR)"
}

main
