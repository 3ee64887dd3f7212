# shellcheck shell=bash disable=SC2034
# (SC2034: the constants below are used by the scripts that source this file.)
# Shared settings and helpers for the claimtrail Fabric scripts (install.sh, up.sh, down.sh,
# peer.sh). This file is sourced, never executed; callers enable `set -euo pipefail` themselves.
#
# Layout of the state folder ($FABRIC_HOME, default <repo>/.fabric):
#   bin/       peer, orderer, configtxgen, cryptogen, osnadmin + .build-stamp   (install.sh)
#   config/    pristine copy of Fabric's sampleconfig                          (install.sh)
#   network/   everything of the running network, wiped by down.sh            (up.sh)
#     config/      core.yaml (edited) and orderer.yaml used by every process
#     configtx/    configtx.yaml copy;  crypto/  cryptogen output
#     channel/     claimtrail.block;    chaincode/  chaincode package + package id + source hash
#     orderer/ peers/<org>/   ledgers;  logs/*.log;  pids/*.pid;  network.json

# ---------------------------------------------------------------------------------------------
# Locations
# ---------------------------------------------------------------------------------------------
FABRIC_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
REPO_ROOT="$(cd "$FABRIC_DIR/.." && pwd)"

FABRIC_HOME="${FABRIC_HOME:-$REPO_ROOT/.fabric}"
case "$FABRIC_HOME" in
  /*) ;;
  *) FABRIC_HOME="$PWD/$FABRIC_HOME" ;;
esac

BIN_DIR="$FABRIC_HOME/bin"
SAMPLE_CONFIG_DIR="$FABRIC_HOME/config"
NETWORK_DIR="$FABRIC_HOME/network"
NET_CONFIG_DIR="$NETWORK_DIR/config"
CONFIGTX_DIR="$NETWORK_DIR/configtx"
CRYPTO_DIR="$NETWORK_DIR/crypto"
CHANNEL_DIR="$NETWORK_DIR/channel"
CC_PACKAGE_DIR="$NETWORK_DIR/chaincode"
LOG_DIR="$NETWORK_DIR/logs"
PID_DIR="$NETWORK_DIR/pids"
NETWORK_JSON="$NETWORK_DIR/network.json"
ENROLMENT_DIR="$NETWORK_DIR/enrolment"
# TLS between the peers and the chaincode server: the server's certificate (its own CA) and, per
# peer, the client material the external builder writes into connection.json.
CC_TLS_DIR="$NETWORK_DIR/chaincode-tls"

BUILDER_DIR="$FABRIC_DIR/builders/ccaas"
CHAINCODE_SRC_DIR="$REPO_ROOT/chaincode"
NODE_BIN_DIR="$REPO_ROOT/node_modules/.bin"

# ---------------------------------------------------------------------------------------------
# Fabric release built by install.sh. The Go module proxy serves the release-2.5 branch only as
# this pseudo-version (commit bd8e24856939, April 2023, Fabric 2.5.0).
# ---------------------------------------------------------------------------------------------
FABRIC_MODULE="github.com/hyperledger/fabric"
FABRIC_MODULE_VERSION="v1.4.0-rc1.0.20230401164317-bd8e24856939"
FABRIC_RELEASE="2.5.0"
FABRIC_COMMIT="bd8e2485"
FABRIC_BINARIES=(peer orderer configtxgen cryptogen osnadmin)
BUILD_STAMP="$BIN_DIR/.build-stamp"
BUILD_STAMP_CONTENT="$FABRIC_MODULE@$FABRIC_MODULE_VERSION version=$FABRIC_RELEASE commit=$FABRIC_COMMIT"

# ---------------------------------------------------------------------------------------------
# Network topology
# ---------------------------------------------------------------------------------------------
CHANNEL_NAME="claimtrail"
CC_NAME="claimtrail"
CC_LABEL="claimtrail_1"
CC_VERSION="1.0"
CC_SEQUENCE="1"
CC_SIGNATURE_POLICY="AND('PayerMSP.peer')"
CC_SERVER_HOST="127.0.0.1"
CC_SERVER_PORT="9999"
# Read-only call used to prove the whole path (peer -> chaincode server -> ledger) works.
CC_PROBE_ARGS='{"function":"claimtrail:GetClaimHistory","Args":["probe-1"]}'
CC_PROBE_EXPECTED='[]'

# Block cutting; each may be overridden from the environment when the channel is created.
BATCH_TIMEOUT="${FABRIC_BATCH_TIMEOUT:-50ms}"
MAX_MESSAGE_COUNT="${FABRIC_MAX_MESSAGE_COUNT:-500}"
PREFERRED_MAX_BYTES="${FABRIC_PREFERRED_MAX_BYTES:-2097152}"

ORDERER_DOMAIN="orderer.claimtrail.test"
ORDERER_HOST="orderer.$ORDERER_DOMAIN"
ORDERER_MSP="OrdererMSP"
ORDERER_PORT=7050
ORDERER_ADMIN_PORT=7053
ORDERER_OPS_PORT=8443

ORGS=(payer provider funder)
declare -A ORG_MSP=([payer]=PayerMSP [provider]=ProviderMSP [funder]=FunderMSP)
declare -A PEER_PORT=([payer]=7051 [provider]=8051 [funder]=9051)
declare -A PEER_CC_PORT=([payer]=7052 [provider]=8052 [funder]=9052)
declare -A PEER_OPS_PORT=([payer]=9444 [provider]=9445 [funder]=9446)
# Each organization's enrolment authority (fabric/enrolment-ca.js), the only holder of its CA key.
declare -A ENROLMENT_PORT=([payer]=7054 [provider]=8054 [funder]=9054)
ENROLMENT_SERVER="$FABRIC_DIR/enrolment-ca.js"

# Log levels of the long-running processes (Fabric logging spec syntax).
FABRIC_NODE_LOGGING_SPEC="${FABRIC_NODE_LOGGING_SPEC:-info}"
# Fabric's default log format colors its output even when it goes to a file; use a plain one.
FABRIC_LOG_FORMAT='%{time:2006-01-02 15:04:05.000 MST} %{id:03x} %{level:.4s} [%{module}] %{shortfunc} -> %{message}'
# Seconds to wait for a process to become ready / to exit after SIGTERM.
READY_TIMEOUT="${READY_TIMEOUT:-60}"
STOP_TIMEOUT="${STOP_TIMEOUT:-5}"
# Seconds to wait for another of these scripts to finish (a cold install takes minutes).
LOCK_TIMEOUT="${LOCK_TIMEOUT:-900}"

# ---------------------------------------------------------------------------------------------
# Output helpers
# ---------------------------------------------------------------------------------------------
log() { printf '[fabric %s] %s\n' "$(date +%H:%M:%S)" "$*"; }
warn() { printf '[fabric %s] WARNING: %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() {
  printf '[fabric %s] ERROR: %s\n' "$(date +%H:%M:%S)" "$*" >&2
  exit 1
}

# Prints the last lines of a log file to stderr, framed, so failures are self-explanatory.
show_log_tail() {
  local file=$1 lines=${2:-40}
  [[ -f "$file" ]] || return 0
  {
    printf -- '----- last %s lines of %s -----\n' "$lines" "$file"
    tail -n "$lines" "$file"
    printf -- '----- end of %s -----\n' "$file"
  } >&2
}

# run_logged LOGFILE DESCRIPTION COMMAND... : runs COMMAND with its output appended to LOGFILE;
# on failure prints the log tail and exits non-zero.
run_logged() {
  local logfile=$1 description=$2
  shift 2
  mkdir -p "$(dirname "$logfile")"
  printf '\n### %s: %s\n' "$(date '+%F %T')" "$description" >>"$logfile"
  if ! "$@" >>"$logfile" 2>&1; then
    show_log_tail "$logfile" 30
    die "$description failed (full output: $logfile)"
  fi
}

# ---------------------------------------------------------------------------------------------
# Mutual exclusion. Two scripts working on $FABRIC_HOME at once (e.g. two test runs calling up.sh)
# would wipe or rebuild each other's network, so each entry point takes an exclusive lock on
# $FABRIC_HOME/.lock first. Scripts they run themselves inherit the lock (CLAIMTRAIL_FABRIC_LOCKED);
# long-running processes do not keep it (see launch).
# ---------------------------------------------------------------------------------------------
acquire_lock() {
  [[ "${CLAIMTRAIL_FABRIC_LOCKED:-}" == 1 ]] && return 0
  require_command flock
  mkdir -p "$FABRIC_HOME"
  exec {LOCK_FD}>"$FABRIC_HOME/.lock"
  if ! flock -n "$LOCK_FD"; then
    log "Another fabric script is working on $FABRIC_HOME; waiting for it (up to ${LOCK_TIMEOUT}s)"
    flock -w "$LOCK_TIMEOUT" "$LOCK_FD" || die "timed out waiting for the lock $FABRIC_HOME/.lock"
  fi
  export CLAIMTRAIL_FABRIC_LOCKED=1
}

# ---------------------------------------------------------------------------------------------
# Paths into the cryptogen output
# ---------------------------------------------------------------------------------------------
org_domain() { printf '%s.claimtrail.test' "$1"; }
peer_host() { printf 'peer0.%s' "$(org_domain "$1")"; }
org_crypto_dir() { printf '%s/peerOrganizations/%s' "$CRYPTO_DIR" "$(org_domain "$1")"; }
peer_crypto_dir() { printf '%s/peers/%s' "$(org_crypto_dir "$1")" "$(peer_host "$1")"; }
org_tlsca_cert() { printf '%s/tlsca/tlsca.%s-cert.pem' "$(org_crypto_dir "$1")" "$(org_domain "$1")"; }
org_admin_msp() { printf '%s/users/Admin@%s/msp' "$(org_crypto_dir "$1")" "$(org_domain "$1")"; }
peer_data_dir() { printf '%s/peers/%s' "$NETWORK_DIR" "$1"; }

ORDERER_ORG_DIR="$CRYPTO_DIR/ordererOrganizations/$ORDERER_DOMAIN"
ORDERER_NODE_DIR="$ORDERER_ORG_DIR/orderers/$ORDERER_HOST"
ORDERER_TLSCA_CERT="$ORDERER_ORG_DIR/tlsca/tlsca.$ORDERER_DOMAIN-cert.pem"
ORDERER_ADMIN_TLS_DIR="$ORDERER_ORG_DIR/users/Admin@$ORDERER_DOMAIN/tls"
ORDERER_DATA_DIR="$NETWORK_DIR/orderer"
CHANNEL_BLOCK="$CHANNEL_DIR/$CHANNEL_NAME.block"
CC_PACKAGE_FILE="$CC_PACKAGE_DIR/$CC_LABEL.tar.gz"
CC_PACKAGE_ID_FILE="$CC_PACKAGE_DIR/package-id"
# Content hash of the chaincode sources the running chaincode server was built from (see
# chaincode_source_hash), written once the deployed chaincode answers.
CC_SOURCE_STAMP="$CC_PACKAGE_DIR/source-hash"

# ---------------------------------------------------------------------------------------------
# Installation checks
# ---------------------------------------------------------------------------------------------

# True when install.sh has built every binary from the pinned Fabric version and copied the
# sample configuration.
fabric_installed() {
  local bin
  for bin in "${FABRIC_BINARIES[@]}"; do
    [[ -x "$BIN_DIR/$bin" ]] || return 1
  done
  [[ -f "$BUILD_STAMP" && "$(cat "$BUILD_STAMP")" == "$BUILD_STAMP_CONTENT" ]] || return 1
  [[ -f "$SAMPLE_CONFIG_DIR/core.yaml" && -f "$SAMPLE_CONFIG_DIR/orderer.yaml" ]]
}

require_command() {
  command -v "$1" >/dev/null 2>&1 || die "'$1' is required but was not found in PATH${2:+ ($2)}"
}

# ---------------------------------------------------------------------------------------------
# Process management. Every long-running process is recorded as $PID_DIR/<name>.pid; the
# recorded command pattern guards against a recycled PID being mistaken for ours.
# Names: orderer, peer-payer, peer-provider, peer-funder, chaincode, enrol-payer, enrol-provider,
# enrol-funder.
# ---------------------------------------------------------------------------------------------
ALL_PROCESSES=(chaincode peer-funder peer-provider peer-payer orderer enrol-funder enrol-provider enrol-payer)

pid_file() { printf '%s/%s.pid' "$PID_DIR" "$1"; }

# Substring the command line of process <name> must contain.
process_signature() {
  case "$1" in
    orderer) printf '%s' "$BIN_DIR/orderer" ;;
    peer-*) printf '%s node start' "$BIN_DIR/peer" ;;
    chaincode) printf 'fabric-chaincode-node server' ;;
    enrol-*) printf '%s --org %s' "$ENROLMENT_SERVER" "${1#enrol-}" ;;
    *) die "unknown process name: $1" ;;
  esac
}

# Prints the PID of process <name> and returns 0 if it is recorded and alive.
process_pid() {
  local name=$1 file pid args
  file="$(pid_file "$name")"
  [[ -f "$file" ]] || return 1
  pid="$(<"$file")"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  args="$(ps -o args= -p "$pid" 2>/dev/null)" || return 1
  [[ "$args" == *"$(process_signature "$name")"* ]] || return 1
  printf '%s' "$pid"
}

process_running() { process_pid "$1" >/dev/null; }

# launch NAME LOGFILE WORKDIR COMMAND... : starts COMMAND detached from this shell (own session,
# immune to SIGHUP, stdin closed, output appended to LOGFILE) and records its PID.
# setsid does not fork here (a background job of a non-interactive shell is never a process
# group leader) and nohup/env exec their argument, so $! is the PID of COMMAND itself.
launch() {
  local name=$1 logfile=$2 workdir=$3
  shift 3
  mkdir -p "$PID_DIR" "$(dirname "$logfile")"
  (
    # The daemon must not hold the scripts' lock for its whole life.
    if [[ -n "${LOCK_FD:-}" ]]; then exec {LOCK_FD}>&-; fi
    unset CLAIMTRAIL_FABRIC_LOCKED
    cd "$workdir" && exec setsid nohup "$@" >>"$logfile" 2>&1 </dev/null
  ) &
  printf '%s\n' "$!" >"$(pid_file "$name")"
}

# stop_processes NAME... : SIGTERM to every named process that is running, wait up to
# STOP_TIMEOUT seconds, then SIGKILL whatever is left. Removes the PID files.
stop_processes() {
  local name pid deadline
  local -a pids=()
  for name in "$@"; do
    if pid="$(process_pid "$name")"; then
      log "Stopping $name (pid $pid)"
      kill -TERM "$pid" 2>/dev/null || true
      pids+=("$pid")
    fi
  done
  deadline=$((SECONDS + STOP_TIMEOUT))
  while ((${#pids[@]} > 0)); do
    local -a alive=()
    for pid in "${pids[@]}"; do
      if kill -0 "$pid" 2>/dev/null; then alive+=("$pid"); fi
    done
    pids=("${alive[@]+"${alive[@]}"}")
    ((${#pids[@]} > 0)) || break
    if ((SECONDS >= deadline)); then
      for pid in "${pids[@]}"; do
        log "pid $pid did not exit after ${STOP_TIMEOUT}s, sending SIGKILL"
        kill -KILL "$pid" 2>/dev/null || true
      done
      break
    fi
    sleep 0.2
  done
  for name in "$@"; do
    rm -f "$(pid_file "$name")"
  done
}

# ---------------------------------------------------------------------------------------------
# Readiness probes
# ---------------------------------------------------------------------------------------------

# True when something accepts TCP connections on 127.0.0.1:<port>.
port_open() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# wait_until NAME LOGFILE DESCRIPTION COMMAND... : polls COMMAND every 0.2 s until it succeeds.
# Fails (log tail + exit) when process NAME dies or READY_TIMEOUT seconds pass.
wait_until() {
  local name=$1 logfile=$2 description=$3
  shift 3
  local deadline=$((SECONDS + READY_TIMEOUT))
  until "$@" >/dev/null 2>&1; do
    if ! process_running "$name"; then
      show_log_tail "$logfile"
      die "$name exited while waiting for $description"
    fi
    if ((SECONDS >= deadline)); then
      show_log_tail "$logfile"
      die "timed out after ${READY_TIMEOUT}s waiting for $description"
    fi
    sleep 0.2
  done
}

# True when the operations endpoint on <port> answers /healthz with HTTP 200.
healthz_ok() {
  curl --silent --fail --max-time 2 "http://127.0.0.1:$1/healthz" >/dev/null
}

# ---------------------------------------------------------------------------------------------
# Fabric processes
# ---------------------------------------------------------------------------------------------

# Environment of peer node <org>; every peer shares $NET_CONFIG_DIR/core.yaml.
peer_node_env() {
  local org=$1 dir
  dir="$(peer_crypto_dir "$org")"
  local data
  data="$(peer_data_dir "$org")"
  PEER_NODE_ENV=(
    "FABRIC_CFG_PATH=$NET_CONFIG_DIR"
    "FABRIC_LOGGING_SPEC=$FABRIC_NODE_LOGGING_SPEC"
    "FABRIC_LOGGING_FORMAT=$FABRIC_LOG_FORMAT"
    "CORE_PEER_ID=$(peer_host "$org")"
    "CORE_PEER_NETWORKID=claimtrail"
    "CORE_PEER_LISTENADDRESS=127.0.0.1:${PEER_PORT[$org]}"
    "CORE_PEER_ADDRESS=127.0.0.1:${PEER_PORT[$org]}"
    "CORE_PEER_CHAINCODELISTENADDRESS=127.0.0.1:${PEER_CC_PORT[$org]}"
    "CORE_PEER_CHAINCODEADDRESS=127.0.0.1:${PEER_CC_PORT[$org]}"
    "CORE_PEER_LOCALMSPID=${ORG_MSP[$org]}"
    "CORE_PEER_MSPCONFIGPATH=$dir/msp"
    "CORE_PEER_FILESYSTEMPATH=$data"
    "CORE_PEER_TLS_ENABLED=true"
    "CORE_PEER_TLS_CERT_FILE=$dir/tls/server.crt"
    "CORE_PEER_TLS_KEY_FILE=$dir/tls/server.key"
    "CORE_PEER_TLS_ROOTCERT_FILE=$dir/tls/ca.crt"
    "CORE_PEER_GOSSIP_BOOTSTRAP=127.0.0.1:${PEER_PORT[$org]}"
    "CORE_PEER_GOSSIP_EXTERNALENDPOINT=127.0.0.1:${PEER_PORT[$org]}"
    "CORE_PEER_GOSSIP_USELEADERELECTION=false"
    "CORE_PEER_GOSSIP_ORGLEADER=true"
    "CORE_PEER_GATEWAY_ENABLED=true"
    "CORE_PEER_PROFILE_ENABLED=false"
    "CORE_LEDGER_STATE_STATEDATABASE=goleveldb"
    "CORE_LEDGER_SNAPSHOTS_ROOTDIR=$data/snapshots"
    "CORE_OPERATIONS_LISTENADDRESS=127.0.0.1:${PEER_OPS_PORT[$org]}"
    "CORE_METRICS_PROVIDER=prometheus"
    # Read by the external builder (core.yaml propagates it): this peer's TLS client material for
    # the chaincode server.
    "CLAIMTRAIL_CCAAS_TLS_DIR=$CC_TLS_DIR/peer-$org"
  )
}

# Starts peer node <org> and waits until its operations endpoint reports healthy.
start_peer() {
  local org=$1 logfile="$LOG_DIR/peer-$1.log"
  [[ -n "${ORG_MSP[$org]:-}" ]] || die "unknown organization '$org' (expected: ${ORGS[*]})"
  peer_node_env "$org"
  mkdir -p "$(peer_data_dir "$org")"
  log "Starting peer $(peer_host "$org") on 127.0.0.1:${PEER_PORT[$org]} (operations ${PEER_OPS_PORT[$org]}, log $logfile)"
  launch "peer-$org" "$logfile" "$NETWORK_DIR" env "${PEER_NODE_ENV[@]}" "$BIN_DIR/peer" node start
}

wait_peer_ready() {
  local org=$1
  wait_until "peer-$org" "$LOG_DIR/peer-$org.log" "peer $org /healthz on port ${PEER_OPS_PORT[$org]}" \
    healthz_ok "${PEER_OPS_PORT[$org]}"
  log "peer $org is ready (pid $(process_pid "peer-$org"))"
}

# peer_cli <org> ARGS... : runs the peer CLI as <org>'s Admin against <org>'s peer, over TLS.
peer_cli() {
  local org=$1
  shift
  env \
    "FABRIC_CFG_PATH=$NET_CONFIG_DIR" \
    "FABRIC_LOGGING_SPEC=warning" \
    "FABRIC_LOGGING_FORMAT=$FABRIC_LOG_FORMAT" \
    "CORE_PEER_LOCALMSPID=${ORG_MSP[$org]}" \
    "CORE_PEER_MSPCONFIGPATH=$(org_admin_msp "$org")" \
    "CORE_PEER_ADDRESS=127.0.0.1:${PEER_PORT[$org]}" \
    "CORE_PEER_TLS_ENABLED=true" \
    "CORE_PEER_TLS_ROOTCERT_FILE=$(org_tlsca_cert "$org")" \
    "$BIN_DIR/peer" "$@"
}

# Queries the chaincode through <org>'s peer (default: the payer's); succeeds when the answer is
# the expected one.
chaincode_answers() {
  local org=${1:-payer} answer
  answer="$(peer_cli "$org" chaincode query -C "$CHANNEL_NAME" -n "$CC_NAME" -c "$CC_PROBE_ARGS" 2>/dev/null)" ||
    return 1
  [[ "$answer" == "$CC_PROBE_EXPECTED" ]]
}

# Prints a content hash of everything the chaincode server runs and is deployed with: the
# TypeScript that up.sh compiles (chaincode/src without specs, as chaincode/tsconfig.json
# excludes them), chaincode/tsconfig.json and package.json (its entry point), the repository's
# package-lock.json (the installed fabric-shim, fabric-contract-api, canonicalize and the tsc that
# compiles it all come from the repository's node_modules) and the package's connection.json and
# metadata.json. Paths are part of the hash, so a renamed or removed file changes it too.
chaincode_source_hash() {
  require_command sha256sum
  local -a files=()
  local file
  while IFS= read -r -d '' file; do
    files+=("$file")
  done < <(cd "$REPO_ROOT" && find chaincode/src -type f -name '*.ts' ! -name '*.spec.ts' -print0 | LC_ALL=C sort -z)
  ((${#files[@]} > 0)) || die "no chaincode sources in $CHAINCODE_SRC_DIR/src"
  files+=(chaincode/tsconfig.json chaincode/package.json package-lock.json
    fabric/chaincode/connection.json fabric/chaincode/metadata.json)
  for file in "${files[@]}"; do
    [[ -f "$REPO_ROOT/$file" ]] || die "expected file is missing: $REPO_ROOT/$file"
  done
  (cd "$REPO_ROOT" && sha256sum -- "${files[@]}") | sha256sum | cut -d ' ' -f 1
}

# Prints the source hash stamped on the running network's chaincode (empty when there is none:
# a network deployed before stamps, or one whose deployment did not finish).
deployed_chaincode_hash() {
  if [[ -f "$CC_SOURCE_STAMP" ]]; then cat "$CC_SOURCE_STAMP"; fi
}

# True when every recorded process is alive and the chaincode answers a query.
network_running() {
  local name
  for name in "${ALL_PROCESSES[@]}"; do
    process_running "$name" || return 1
  done
  chaincode_answers
}
