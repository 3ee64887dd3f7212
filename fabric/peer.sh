#!/usr/bin/env bash
# Stops, starts or inspects a single peer of the running claimtrail network (fault testing).
#
# Usage: bash fabric/peer.sh stop|start|status <payer|provider|funder>
#   stop     SIGTERM the peer (SIGKILL after a few seconds); its ledger is kept
#   start    start it again with the same environment and data; waits until it is healthy
#   status   print whether it is running
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

usage() {
  sed -n '4,7p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

main() {
  (($# == 2)) || usage
  local action=$1 org=$2
  [[ -n "${ORG_MSP[$org]:-}" ]] || usage
  acquire_lock
  [[ -d "$CRYPTO_DIR" ]] || die "no network in $NETWORK_DIR: run fabric/up.sh first"

  case "$action" in
    stop)
      if process_running "peer-$org"; then
        stop_processes "peer-$org"
        log "peer $org stopped"
      else
        log "peer $org is not running"
      fi
      ;;
    start)
      if process_running "peer-$org"; then
        log "peer $org is already running (pid $(process_pid "peer-$org"))"
        return 0
      fi
      start_peer "$org"
      wait_peer_ready "$org"
      ;;
    status)
      if process_running "peer-$org"; then
        log "peer $org is running (pid $(process_pid "peer-$org"))"
      else
        log "peer $org is not running"
        return 1
      fi
      ;;
    *) usage ;;
  esac
}

main "$@"
