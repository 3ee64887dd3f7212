#!/usr/bin/env bash
# Starts the claimtrail Hyperledger Fabric network natively on 127.0.0.1 (no Docker):
# one etcdraft orderer, one peer per organization (payer, provider, funder), the channel
# "claimtrail" and the claimtrail chaincode running as an external service (Node process).
#
# Usage: bash fabric/up.sh
#
# Idempotent: when the recorded processes are alive, the chaincode answers and it was built from
# the current chaincode sources (the hash stamped at deployment, see chaincode_source_hash), it
# reports that and exits 0. Otherwise it stops leftovers (down.sh), wipes $FABRIC_HOME/network and
# builds the network from scratch: crypto material, channel genesis block, orderer, peers, channel
# joins, chaincode package/install/approve/commit, chaincode server, a final end-to-end query, and
# the stamp.
# The client-facing description of the network is written to $FABRIC_HOME/network/network.json.
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

SETUP_LOG="$LOG_DIR/setup.log"

# ---------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------

# retry ATTEMPTS DELAY COMMAND... : runs COMMAND until it succeeds, at most ATTEMPTS times.
retry() {
  local attempts=$1 delay=$2 n=1
  shift 2
  until "$@"; do
    ((n >= attempts)) && return 1
    echo "attempt $n/$attempts failed, retrying in ${delay}s" >&2
    n=$((n + 1))
    sleep "$delay"
  done
}

# Escapes a string for use inside a JSON string literal.
json_str() {
  local s=$1
  s=${s//\\/\\\\}
  s=${s//\"/\\\"}
  printf '"%s"' "$s"
}

# Escapes a string for the replacement side of a sed s||| command.
sed_replacement() {
  printf '%s' "$1" | sed -e 's/[\\|&]/\\&/g'
}

# Fails unless every given file exists.
require_files() {
  local f
  for f in "$@"; do
    [[ -f "$f" ]] || die "expected file is missing: $f"
  done
}

# Waits for every background job PID given; fails if any of them failed (the jobs print their
# own diagnostics).
wait_jobs() {
  local pid failed=0
  for pid in "$@"; do
    wait "$pid" || failed=1
  done
  ((failed == 0)) || die "a parallel step failed (see messages above)"
}

all_ports() {
  local org
  printf '%s\n' "$ORDERER_PORT" "$ORDERER_ADMIN_PORT" "$ORDERER_OPS_PORT" "$CC_SERVER_PORT"
  for org in "${ORGS[@]}"; do
    printf '%s\n' "${PEER_PORT[$org]}" "${PEER_CC_PORT[$org]}" "${PEER_OPS_PORT[$org]}" "${ENROLMENT_PORT[$org]}"
  done
}

print_summary() {
  local org
  log "Network endpoints (TLS, 127.0.0.1):"
  log "  orderer   $ORDERER_HOST  127.0.0.1:$ORDERER_PORT  admin :$ORDERER_ADMIN_PORT  operations :$ORDERER_OPS_PORT"
  for org in "${ORGS[@]}"; do
    log "  $(printf '%-9s' "$org") $(peer_host "$org")  127.0.0.1:${PEER_PORT[$org]}  operations :${PEER_OPS_PORT[$org]}"
  done
  for org in "${ORGS[@]}"; do
    log "  $(printf '%-9s' "$org") enrolment authority http://127.0.0.1:${ENROLMENT_PORT[$org]}"
  done
  log "  chaincode $CC_NAME server 127.0.0.1:$CC_SERVER_PORT, TLS with client auth (package $(cat "$CC_PACKAGE_ID_FILE" 2>/dev/null || echo '?'))"
  log "Client configuration: $NETWORK_JSON"
  log "Logs: $LOG_DIR   Stop: bash fabric/down.sh   Restart a peer: bash fabric/peer.sh stop|start <org>"
}

# ---------------------------------------------------------------------------------------------
# Steps
# ---------------------------------------------------------------------------------------------

check_prerequisites() {
  require_command curl
  require_command tar
  require_command gzip
  require_command setsid
  require_command openssl "it makes the chaincode server's TLS material"
  require_command node "Node.js runs the chaincode server"
  [[ -x "$NODE_BIN_DIR/fabric-chaincode-node" && -x "$NODE_BIN_DIR/tsc" ]] ||
    die "node_modules is incomplete (fabric-chaincode-node / tsc missing): run 'npm ci' in $REPO_ROOT"
  local port busy=()
  while read -r port; do
    if port_open "$port"; then busy+=("$port"); fi
  done < <(all_ports)
  ((${#busy[@]} == 0)) ||
    die "port(s) ${busy[*]} on 127.0.0.1 are in use by processes not recorded in $PID_DIR (check: ss -ltnp)"
}

# Compiles the TypeScript chaincode in the background; prints the job PID.
start_chaincode_build() {
  log "Compiling chaincode (tsc -p chaincode/tsconfig.json) in the background"
  (
    cd "$REPO_ROOT"
    "$NODE_BIN_DIR/tsc" -p "$CHAINCODE_SRC_DIR/tsconfig.json"
  ) >"$LOG_DIR/chaincode-build.log" 2>&1 &
  CHAINCODE_BUILD_PID=$!
}

finish_chaincode_build() {
  if ! wait "$CHAINCODE_BUILD_PID"; then
    show_log_tail "$LOG_DIR/chaincode-build.log"
    die "chaincode compilation failed"
  fi
  [[ -f "$CHAINCODE_SRC_DIR/dist/index.js" ]] || die "chaincode build produced no $CHAINCODE_SRC_DIR/dist/index.js"
  log "Chaincode compiled into $CHAINCODE_SRC_DIR/dist"
}

generate_crypto() {
  log "Generating crypto material (cryptogen, fabric/crypto-config.yaml)"
  run_logged "$SETUP_LOG" "cryptogen generate" \
    "$BIN_DIR/cryptogen" generate --config="$FABRIC_DIR/crypto-config.yaml" --output="$CRYPTO_DIR"
}

# Writes $NET_CONFIG_DIR/{core,orderer}.yaml from the pristine sampleconfig copy. core.yaml needs
# two list/empty-value edits that environment overrides cannot express: no Docker endpoint and
# our own chaincode-as-a-service external builder.
write_node_config() {
  log "Writing node configuration to $NET_CONFIG_DIR (core.yaml: no Docker, builder $BUILDER_DIR)"
  mkdir -p "$NET_CONFIG_DIR"
  cp "$SAMPLE_CONFIG_DIR/orderer.yaml" "$NET_CONFIG_DIR/orderer.yaml"
  local builder_yaml
  builder_yaml="'${BUILDER_DIR//\'/\'\'}'"
  sed \
    -e 's|^\([[:space:]]*endpoint:\)[[:space:]]*unix:///var/run/docker.sock[[:space:]]*$|\1|' \
    -e 's|^\([[:space:]]*-[[:space:]]*name:\)[[:space:]]*ccaas_builder[[:space:]]*$|\1 claimtrail_ccaas|' \
    -e "s|^\([[:space:]]*path:\)[[:space:]]*/opt/hyperledger/ccaas_builder[[:space:]]*\$|\1 $(sed_replacement "$builder_yaml")|" \
    -e 's|^\([[:space:]]*-[[:space:]]*\)CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG[[:space:]]*$|\1CLAIMTRAIL_CCAAS_TLS_DIR|' \
    "$SAMPLE_CONFIG_DIR/core.yaml" >"$NET_CONFIG_DIR/core.yaml"
  # Fail loudly if the sample configuration ever changes shape and an edit did not apply.
  ! grep -Eq '^[[:space:]]*endpoint:[[:space:]]*unix://' "$NET_CONFIG_DIR/core.yaml" ||
    die "could not clear vm.endpoint in core.yaml"
  grep -qF "path: $builder_yaml" "$NET_CONFIG_DIR/core.yaml" ||
    die "could not point chaincode.externalBuilders at $BUILDER_DIR in core.yaml"
  grep -qE '^[[:space:]]*-[[:space:]]*CLAIMTRAIL_CCAAS_TLS_DIR$' "$NET_CONFIG_DIR/core.yaml" ||
    die "could not make core.yaml propagate CLAIMTRAIL_CCAAS_TLS_DIR to the external builder"
  # The chaincode definition names the validation plugin "vscc"; Fabric's DefaultValidation
  # behind it enforces key-level endorsement policies (a fund's key needs its funder's peer).
  grep -A1 -E '^[[:space:]]*vscc:[[:space:]]*$' "$NET_CONFIG_DIR/core.yaml" | grep -qE '^[[:space:]]*name:[[:space:]]*DefaultValidation[[:space:]]*$' ||
    die "core.yaml does not validate with DefaultValidation (handlers.validators.vscc)"
}

# TLS for the chaincode server (chaincode as a service): a CA of its own issues the server's
# certificate, which every peer's builder pins as root_cert; the server requires a client
# certificate from one of the organizations' TLS CAs, which each peer presents (its own TLS
# certificate, copied next to the server's root for the builder).
generate_chaincode_tls() {
  log "Generating TLS material for the chaincode server (server certificate, peers' client certificates)"
  local dir="$CC_TLS_DIR" org
  mkdir -p "$dir/server"
  run_logged "$SETUP_LOG" "chaincode TLS CA" openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 \
    -nodes -keyout "$dir/server/ca.key" -out "$dir/server/ca.crt" -days 365 \
    -subj "/O=claimtrail chaincode/CN=chaincode TLS CA" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign"
  run_logged "$SETUP_LOG" "chaincode server key" openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 \
    -nodes -keyout "$dir/server/server.key" -out "$dir/server/server.csr" -subj "/O=claimtrail chaincode/CN=$CC_SERVER_HOST"
  run_logged "$SETUP_LOG" "chaincode server certificate" openssl x509 -req -in "$dir/server/server.csr" \
    -CA "$dir/server/ca.crt" -CAkey "$dir/server/ca.key" -CAcreateserial -days 365 -out "$dir/server/server.crt" \
    -extfile <(printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\nkeyUsage=critical,digitalSignature\n')
  # The CA key is not needed any more: nobody can issue another chaincode server certificate.
  rm -f "$dir/server/ca.key" "$dir/server/server.csr" "$dir/server/ca.srl"
  : >"$dir/server/client-cas.pem"
  for org in "${ORGS[@]}"; do
    cat "$(org_tlsca_cert "$org")" >>"$dir/server/client-cas.pem"
    mkdir -p "$dir/peer-$org"
    cp "$(peer_crypto_dir "$org")/tls/server.crt" "$dir/peer-$org/client.crt"
    cp "$(peer_crypto_dir "$org")/tls/server.key" "$dir/peer-$org/client.key"
    cp "$dir/server/ca.crt" "$dir/peer-$org/root.crt"
  done
  chmod -R go-rwx "$dir"
}

# Starts each organization's enrolment authority: the organization's CA key stays in that
# process; the registrar secret lets the platform ask for member certificates of the
# organization's kind (see fabric/enrolment-ca.js).
start_enrolment_authorities() {
  local org dir
  for org in "${ORGS[@]}"; do
    dir="$ENROLMENT_DIR/$org"
    mkdir -p "$dir"
    (umask 077 && openssl rand -hex 32 >"$dir/registrar-secret")
    log "Starting $org's enrolment authority on 127.0.0.1:${ENROLMENT_PORT[$org]} (log $LOG_DIR/enrol-$org.log)"
    launch "enrol-$org" "$LOG_DIR/enrol-$org.log" "$REPO_ROOT" env \
      "ENROLMENT_PORT=${ENROLMENT_PORT[$org]}" "ENROLMENT_KIND=$org" \
      "ENROLMENT_CA_CERT=$(org_crypto_dir "$org")/ca/ca.$(org_domain "$org")-cert.pem" \
      "ENROLMENT_CA_KEY=$(org_crypto_dir "$org")/ca/priv_sk" \
      "ENROLMENT_SECRET_FILE=$dir/registrar-secret" "ENROLMENT_STATE_FILE=$dir/enrolled.json" \
      node "$ENROLMENT_SERVER" --org "$org"
  done
  for org in "${ORGS[@]}"; do
    wait_until "enrol-$org" "$LOG_DIR/enrol-$org.log" "$org's enrolment authority on port ${ENROLMENT_PORT[$org]}" \
      curl --silent --fail --max-time 2 "http://127.0.0.1:${ENROLMENT_PORT[$org]}/healthz"
  done
}

create_channel_block() {
  log "Creating the genesis block of channel '$CHANNEL_NAME' (configtxgen, profile ClaimtrailChannel)"
  mkdir -p "$CONFIGTX_DIR" "$CHANNEL_DIR"
  sed -e "s/^\(  BatchTimeout:\).*/\1 $BATCH_TIMEOUT/" \
    -e "s/^\(    MaxMessageCount:\).*/\1 $MAX_MESSAGE_COUNT/" \
    -e "s/^\(    PreferredMaxBytes:\).*/\1 $PREFERRED_MAX_BYTES/" \
    "$FABRIC_DIR/configtx.yaml" >"$CONFIGTX_DIR/configtx.yaml"
  run_logged "$SETUP_LOG" "configtxgen" \
    env "FABRIC_LOGGING_FORMAT=$FABRIC_LOG_FORMAT" "$BIN_DIR/configtxgen" -configPath "$CONFIGTX_DIR" \
    -profile ClaimtrailChannel -channelID "$CHANNEL_NAME" -outputBlock "$CHANNEL_BLOCK"
}

start_orderer() {
  local tls="$ORDERER_NODE_DIR/tls" logfile="$LOG_DIR/orderer.log"
  local -a orderer_env=(
    "FABRIC_CFG_PATH=$NET_CONFIG_DIR"
    "FABRIC_LOGGING_SPEC=$FABRIC_NODE_LOGGING_SPEC"
    "FABRIC_LOGGING_FORMAT=$FABRIC_LOG_FORMAT"
    "ORDERER_GENERAL_LISTENADDRESS=127.0.0.1"
    "ORDERER_GENERAL_LISTENPORT=$ORDERER_PORT"
    "ORDERER_GENERAL_LOCALMSPID=$ORDERER_MSP"
    "ORDERER_GENERAL_LOCALMSPDIR=$ORDERER_NODE_DIR/msp"
    "ORDERER_GENERAL_BOOTSTRAPMETHOD=none"
    "ORDERER_GENERAL_TLS_ENABLED=true"
    "ORDERER_GENERAL_TLS_CERTIFICATE=$tls/server.crt"
    "ORDERER_GENERAL_TLS_PRIVATEKEY=$tls/server.key"
    "ORDERER_GENERAL_TLS_ROOTCAS=[$tls/ca.crt]"
    "ORDERER_GENERAL_CLUSTER_CLIENTCERTIFICATE=$tls/server.crt"
    "ORDERER_GENERAL_CLUSTER_CLIENTPRIVATEKEY=$tls/server.key"
    "ORDERER_GENERAL_CLUSTER_ROOTCAS=[$tls/ca.crt]"
    "ORDERER_CHANNELPARTICIPATION_ENABLED=true"
    "ORDERER_FILELEDGER_LOCATION=$ORDERER_DATA_DIR/ledger"
    "ORDERER_CONSENSUS_WALDIR=$ORDERER_DATA_DIR/etcdraft/wal"
    "ORDERER_CONSENSUS_SNAPDIR=$ORDERER_DATA_DIR/etcdraft/snapshot"
    "ORDERER_ADMIN_LISTENADDRESS=127.0.0.1:$ORDERER_ADMIN_PORT"
    "ORDERER_ADMIN_TLS_ENABLED=true"
    "ORDERER_ADMIN_TLS_CERTIFICATE=$tls/server.crt"
    "ORDERER_ADMIN_TLS_PRIVATEKEY=$tls/server.key"
    "ORDERER_ADMIN_TLS_ROOTCAS=[$tls/ca.crt]"
    "ORDERER_ADMIN_TLS_CLIENTAUTHREQUIRED=true"
    "ORDERER_ADMIN_TLS_CLIENTROOTCAS=[$tls/ca.crt]"
    "ORDERER_OPERATIONS_LISTENADDRESS=127.0.0.1:$ORDERER_OPS_PORT"
    "ORDERER_METRICS_PROVIDER=prometheus"
  )
  mkdir -p "$ORDERER_DATA_DIR"
  log "Starting orderer $ORDERER_HOST on 127.0.0.1:$ORDERER_PORT (admin $ORDERER_ADMIN_PORT, operations $ORDERER_OPS_PORT, log $logfile)"
  launch orderer "$logfile" "$NETWORK_DIR" env "${orderer_env[@]}" "$BIN_DIR/orderer"
  wait_until orderer "$logfile" "orderer /healthz on port $ORDERER_OPS_PORT" healthz_ok "$ORDERER_OPS_PORT"
  log "orderer is ready (pid $(process_pid orderer))"
}

osnadmin_cli() {
  "$BIN_DIR/osnadmin" channel "$@" -o "127.0.0.1:$ORDERER_ADMIN_PORT" --ca-file "$ORDERER_TLSCA_CERT" \
    --client-cert "$ORDERER_ADMIN_TLS_DIR/client.crt" --client-key "$ORDERER_ADMIN_TLS_DIR/client.key"
}

# True once the orderer reports the channel active with itself as a consenter and raft has
# elected a leader (transactions sent before that are rejected).
orderer_channel_active() {
  local info
  info="$(osnadmin_cli list --channelID "$CHANNEL_NAME")" || return 1
  grep -q '"status": *"active"' <<<"$info" && grep -q '"consensusRelation": *"consenter"' <<<"$info" &&
    grep -q 'Raft leader changed: 0 -> ' "$LOG_DIR/orderer.log"
}

join_orderer() {
  log "Joining the orderer to channel '$CHANNEL_NAME' (osnadmin channel join)"
  run_logged "$SETUP_LOG" "osnadmin channel join" osnadmin_cli join --channelID "$CHANNEL_NAME" --config-block "$CHANNEL_BLOCK"
  wait_until orderer "$LOG_DIR/orderer.log" "the orderer to lead channel '$CHANNEL_NAME'" orderer_channel_active
  log "Orderer is the raft leader of '$CHANNEL_NAME'"
}

start_peers() {
  local org
  for org in "${ORGS[@]}"; do
    start_peer "$org"
  done
  for org in "${ORGS[@]}"; do
    wait_peer_ready "$org"
  done
}

# Runs one peer CLI command as every organization's admin at once, each logged to its admin log,
# and waits for all: on_every_peer <what> <peer arguments...>
on_every_peer() {
  local what=$1 org
  shift
  local -a jobs=()
  for org in "${ORGS[@]}"; do
    run_logged "$LOG_DIR/admin-$org.log" "$what ($org)" peer_cli "$org" "$@" &
    jobs+=("$!")
  done
  wait_jobs "${jobs[@]}"
}

join_peers() {
  log "Joining peers to channel '$CHANNEL_NAME'"
  on_every_peer "peer channel join" channel join -b "$CHANNEL_BLOCK"
}

# Deterministic tar: same content -> same bytes -> same package id on every run and machine
# with the same tar/gzip.
deterministic_tar() {
  tar --format=ustar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner \
    --mode=u=rw,go=r -cf - "$@"
}

package_chaincode() {
  log "Packaging chaincode '$CC_LABEL' (type ccaas, server $CC_SERVER_HOST:$CC_SERVER_PORT)"
  local work
  work="$(mktemp -d "$NETWORK_DIR/.package.XXXXXX")"
  mkdir -p "$work/code" "$work/package" "$CC_PACKAGE_DIR"
  cp "$FABRIC_DIR/chaincode/connection.json" "$work/code/connection.json"
  cp "$FABRIC_DIR/chaincode/metadata.json" "$work/package/metadata.json"
  deterministic_tar -C "$work/code" connection.json | gzip -n -9 >"$work/package/code.tar.gz"
  deterministic_tar -C "$work/package" code.tar.gz metadata.json | gzip -n -9 >"$CC_PACKAGE_FILE"
  rm -rf "$work"

  local package_id
  package_id="$(peer_cli payer lifecycle chaincode calculatepackageid "$CC_PACKAGE_FILE")" ||
    die "peer lifecycle chaincode calculatepackageid failed"
  [[ "$package_id" == "$CC_LABEL:"* ]] || die "unexpected package id: $package_id"
  printf '%s\n' "$package_id" >"$CC_PACKAGE_ID_FILE"
  CC_PACKAGE_ID=$package_id
  log "Package $CC_PACKAGE_FILE, id $CC_PACKAGE_ID"
}

# Which organization kind each MSP may act as (the chaincode refuses any other), e.g. PayerMSP=payer.
msp_kinds() {
  local org
  local -a kinds=()
  for org in "${ORGS[@]}"; do kinds+=("${ORG_MSP[$org]}=$org"); done
  (IFS=,; printf '%s' "${kinds[*]}")
}

start_chaincode_server() {
  local logfile="$LOG_DIR/chaincode.log"
  log "Starting chaincode server on $CC_SERVER_HOST:$CC_SERVER_PORT (log $logfile)"
  local tls="$CC_TLS_DIR/server"
  launch chaincode "$logfile" "$CHAINCODE_SRC_DIR" env \
    "CHAINCODE_ID=$CC_PACKAGE_ID" \
    "CHAINCODE_SERVER_ADDRESS=$CC_SERVER_HOST:$CC_SERVER_PORT" \
    "CLAIMTRAIL_MSP_KINDS=$(msp_kinds)" \
    "CORE_CHAINCODE_LOGGING_LEVEL=${CHAINCODE_LOGGING_LEVEL:-info}" \
    "$NODE_BIN_DIR/fabric-chaincode-node" server \
    "--chaincode-address=$CC_SERVER_HOST:$CC_SERVER_PORT" "--chaincode-id=$CC_PACKAGE_ID" \
    "--chaincode-tls-cert-file=$tls/server.crt" "--chaincode-tls-key-file=$tls/server.key" \
    "--chaincode-tls-client-cacert-file=$tls/client-cas.pem"
  wait_until chaincode "$logfile" "the chaincode server to listen on port $CC_SERVER_PORT" port_open "$CC_SERVER_PORT"
  log "chaincode server is ready (pid $(process_pid chaincode))"
}

install_chaincode() {
  log "Installing the chaincode package on all peers"
  on_every_peer "chaincode install" lifecycle chaincode install "$CC_PACKAGE_FILE"
}

approve_chaincode() {
  local org
  local -a jobs=()
  log "Approving chaincode definition $CC_NAME v$CC_VERSION seq $CC_SEQUENCE, policy $CC_SIGNATURE_POLICY, for ${ORGS[*]}"
  for org in "${ORGS[@]}"; do
    run_logged "$LOG_DIR/admin-$org.log" "chaincode approveformyorg ($org)" \
      retry 5 1 peer_cli "$org" lifecycle chaincode approveformyorg \
      -o "127.0.0.1:$ORDERER_PORT" --tls --cafile "$ORDERER_TLSCA_CERT" \
      --channelID "$CHANNEL_NAME" --name "$CC_NAME" --version "$CC_VERSION" \
      --sequence "$CC_SEQUENCE" --package-id "$CC_PACKAGE_ID" \
      --signature-policy "$CC_SIGNATURE_POLICY" --waitForEventTimeout 60s &
    jobs+=("$!")
  done
  wait_jobs "${jobs[@]}"
}

commit_chaincode() {
  local org
  local -a peers=()
  for org in "${ORGS[@]}"; do
    peers+=(--peerAddresses "127.0.0.1:${PEER_PORT[$org]}" --tlsRootCertFiles "$(org_tlsca_cert "$org")")
  done
  log "Committing chaincode definition $CC_NAME to channel '$CHANNEL_NAME'"
  run_logged "$LOG_DIR/admin-payer.log" "chaincode commit" \
    retry 3 1 peer_cli payer lifecycle chaincode commit \
    -o "127.0.0.1:$ORDERER_PORT" --tls --cafile "$ORDERER_TLSCA_CERT" \
    --channelID "$CHANNEL_NAME" --name "$CC_NAME" --version "$CC_VERSION" \
    --sequence "$CC_SEQUENCE" --signature-policy "$CC_SIGNATURE_POLICY" \
    --waitForEventTimeout 60s "${peers[@]}"
}

# Every peer must run the chaincode: the payer's endorses every transaction (the chaincode's
# policy), the funder's every write to a fund (the fund keys' own policy), the provider's reads.
verify_chaincode() {
  local org
  for org in "${ORGS[@]}"; do
    log "Verifying end to end: peer chaincode query $CC_PROBE_ARGS through the $org peer"
    wait_until chaincode "$LOG_DIR/chaincode.log" "the chaincode to answer a query through the $org peer" \
      chaincode_answers "$org"
  done
  log "Every peer's query returned $CC_PROBE_EXPECTED as expected"
}

# Records which chaincode sources the running chaincode was built from: the hash taken before the
# compilation started (a file edited during the build makes the next up.sh rebuild, never the
# other way round). Written last, so a deployment that failed half-way is never reused.
stamp_chaincode() {
  printf '%s\n' "$CC_SOURCE_HASH" >"$CC_SOURCE_STAMP"
  log "Chaincode sources $CC_SOURCE_HASH stamped in $CC_SOURCE_STAMP"
}

# Writes network.json, the description of the network the Node client reads.
write_network_json() {
  local org domain user_dir first=true
  {
    printf '{\n'
    printf '  "channel": %s,\n' "$(json_str "$CHANNEL_NAME")"
    printf '  "chaincode": %s,\n' "$(json_str "$CC_NAME")"
    printf '  "orgs": {\n'
    for org in "${ORGS[@]}"; do
      domain="$(org_domain "$org")"
      user_dir="$(org_crypto_dir "$org")/users/User1@$domain/msp"
      local -a files=(
        "$(org_tlsca_cert "$org")"
        "$(org_crypto_dir "$org")/ca/ca.$domain-cert.pem"
        "$ENROLMENT_DIR/$org/registrar-secret"
        "$user_dir/signcerts/User1@$domain-cert.pem"
        "$user_dir/keystore/priv_sk"
      )
      require_files "${files[@]}"
      $first || printf ',\n'
      first=false
      printf '    %s: {\n' "$(json_str "$org")"
      printf '      "mspId": %s,\n' "$(json_str "${ORG_MSP[$org]}")"
      printf '      "peerEndpoint": %s,\n' "$(json_str "127.0.0.1:${PEER_PORT[$org]}")"
      printf '      "peerHostAlias": %s,\n' "$(json_str "$(peer_host "$org")")"
      printf '      "tlsRootCertPath": %s,\n' "$(json_str "${files[0]}")"
      printf '      "caCertPath": %s,\n' "$(json_str "${files[1]}")"
      printf '      "enrolment": { "url": %s, "secretPath": %s },\n' \
        "$(json_str "http://127.0.0.1:${ENROLMENT_PORT[$org]}")" "$(json_str "${files[2]}")"
      printf '      "userCertPath": %s,\n' "$(json_str "${files[3]}")"
      printf '      "userKeyPath": %s\n' "$(json_str "${files[4]}")"
      printf '    }'
    done
    printf '\n  },\n'
    require_files "$ORDERER_TLSCA_CERT"
    printf '  "orderer": {\n'
    printf '    "endpoint": %s,\n' "$(json_str "127.0.0.1:$ORDERER_PORT")"
    printf '    "hostAlias": %s,\n' "$(json_str "$ORDERER_HOST")"
    printf '    "tlsRootCertPath": %s\n' "$(json_str "$ORDERER_TLSCA_CERT")"
    printf '  },\n'
    printf '  "blockCutting": {\n'
    printf '    "batchTimeout": %s,\n' "$(json_str "$BATCH_TIMEOUT")"
    printf '    "maxMessageCount": %d,\n' "$MAX_MESSAGE_COUNT"
    printf '    "preferredMaxBytes": %d\n' "$PREFERRED_MAX_BYTES"
    printf '  }\n'
    printf '}\n'
  } >"$NETWORK_JSON.tmp"
  node -e 'JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"))' "$NETWORK_JSON.tmp" ||
    die "generated network.json is not valid JSON"
  mv -f "$NETWORK_JSON.tmp" "$NETWORK_JSON"
  log "Wrote $NETWORK_JSON"
}

# ---------------------------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------------------------
main() {
  local started=$SECONDS
  acquire_lock

  CC_SOURCE_HASH="$(chaincode_source_hash)"
  if fabric_installed && network_running; then
    local deployed
    deployed="$(deployed_chaincode_hash)"
    if [[ "$deployed" == "$CC_SOURCE_HASH" ]]; then
      log "The network is already running (all recorded processes alive, chaincode answers, built from the current sources); nothing to do"
      print_summary
      return 0
    fi
    log "The chaincode changed since the running network deployed it (deployed ${deployed:-without a source stamp}, sources now $CC_SOURCE_HASH): rebuilding the network"
  fi

  if ! fabric_installed; then
    log "Fabric binaries are missing or stale: running install.sh first"
    bash "$FABRIC_DIR/install.sh"
  fi

  log "Stopping leftovers and wiping $NETWORK_DIR"
  bash "$FABRIC_DIR/down.sh"

  check_prerequisites
  mkdir -p "$LOG_DIR" "$PID_DIR"
  start_chaincode_build

  generate_crypto
  generate_chaincode_tls
  start_enrolment_authorities
  write_node_config
  create_channel_block
  start_orderer
  join_orderer
  start_peers
  join_peers
  package_chaincode
  install_chaincode
  finish_chaincode_build
  start_chaincode_server
  approve_chaincode
  commit_chaincode
  write_network_json
  verify_chaincode
  stamp_chaincode

  log "Network is up in $((SECONDS - started))s"
  print_summary
}

main
