#!/usr/bin/env bash
# Stops the claimtrail Fabric network started by up.sh and removes its state.
#
# Usage: bash fabric/down.sh
#
# Every process recorded in $FABRIC_HOME/network/pids gets SIGTERM, then SIGKILL if it is still
# alive after a few seconds; then $FABRIC_HOME/network (crypto material, ledgers, logs) is
# removed. Only processes this project started are touched. Safe to run any number of times.
# The built binaries ($FABRIC_HOME/bin) and the sample configuration are kept.
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

main() {
  acquire_lock
  if [[ ! -d "$NETWORK_DIR" ]]; then
    log "No network state in $NETWORK_DIR; nothing to stop"
    return 0
  fi

  local name any=false
  for name in "${ALL_PROCESSES[@]}"; do
    if process_running "$name"; then any=true; fi
  done
  if $any; then
    # Chaincode first, then peers, then the orderer: clients of a process go before it.
    stop_processes "${ALL_PROCESSES[@]}"
  else
    log "No recorded network process is running"
  fi

  log "Removing $NETWORK_DIR"
  rm -rf "$NETWORK_DIR"
  log "Network is down"
}

main
