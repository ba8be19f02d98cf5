#!/usr/bin/env bash
# The CLI's contract for bad input and an unusable DynamoDB: a clear message and a distinct exit
# code (2 bad input, 3 DynamoDB), and nothing written. Needs the services of scripts/test.sh.
set -uo pipefail
source "$(dirname "$0")/lib/services.sh"
BIN=${CACHEWARM_BIN:-$CW_ROOT/.build/debug/cachewarm}
passed=0 failed=0

expect() {  # expect NAME CODE PATTERN -- COMMAND...
  local name=$1 code=$2 pattern=$3; shift 4
  local out; out=$("$@" 2>&1); local got=$?
  if [ "$got" -eq "$code" ] && grep -qE -- "$pattern" <<<"$out"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1)); printf 'FAIL %s: exit %s (want %s)\n%s\n' "$name" "$got" "$code" "$out"
  fi
}

TABLE=cli_$RANDOM
"$BIN" table create --table "$TABLE" >/dev/null
expect "create twice" 0 "already exists" -- "$BIN" table create --table "$TABLE"
"$CW_VENV/bin/python" - <<PY
import boto3, os
boto3.client('dynamodb', endpoint_url=os.environ['AWS_ENDPOINT_URL_DYNAMODB'], region_name=os.environ['AWS_REGION']).create_table(
    TableName='${TABLE}_wrong', AttributeDefinitions=[{'AttributeName': 'id', 'AttributeType': 'N'}],
    KeySchema=[{'AttributeName': 'id', 'KeyType': 'HASH'}], BillingMode='PAY_PER_REQUEST')
PY
expect "wrong key schema" 3 "key schema id HASH N" -- "$BIN" table create --table "${TABLE}_wrong"
expect "warm into a wrong table" 3 "requests-cache needs" -- "$BIN" warm --table "${TABLE}_wrong" --allow-loopback http://127.0.0.1:9/
expect "missing table" 3 "does not exist" -- "$BIN" warm --table "${TABLE}_missing" --allow-loopback http://127.0.0.1:9/
expect "unreachable DynamoDB" 3 "cannot reach" -- "$BIN" warm --table "$TABLE" --endpoint-url http://127.0.0.1:9 --allow-loopback http://127.0.0.1:9/
expect "malformed URL" 2 "URL 2: url: no scheme" -- "$BIN" warm --table "$TABLE" --allow-loopback http://127.0.0.1:9/a example.com/b
expect "unsupported scheme" 2 "unsupported scheme" -- "$BIN" key file:///etc/passwd
expect "unknown flag" 2 "Unknown option" -- "$BIN" warm --no-such-flag http://x/
expect "bad expire-after" 2 "expire-after" -- "$BIN" warm --expire-after soon http://x/
expect "no URLs" 2 "no URLs" -- "$BIN" warm --table "$TABLE"
# Flags out of range are bad input, never an overflow trap.
expect "huge lease" 2 "lease-seconds" -- "$BIN" work --drain --lease-seconds 1e300
expect "NaN retry base" 2 "retry-base-seconds" -- "$BIN" work --drain --retry-base-seconds nan
expect "huge expire jitter" 2 "expire-jitter" -- "$BIN" warm --expire-jitter 9223372036854775807 http://x/
expect "huge timeout" 2 "timeout" -- "$BIN" warm --timeout 99999999999 http://x/
expect "huge per-host rate" 2 "per-host-rate" -- "$BIN" warm --per-host-rate 1e-300 http://x/
expect "huge expire-after" 2 "expire-after" -- "$BIN" warm --expire-after 20000000000000w http://x/
expect "refused loopback" 1 "refused" -- "$BIN" warm --table "$TABLE" http://127.0.0.1:9/
expect "metadata address" 1 "link-local" -- "$BIN" warm --table "$TABLE" --allow-loopback --allow-private http://169.254.169.254/latest/meta-data/
expect "connection refused" 1 "failed" -- "$BIN" warm --table "$TABLE" --allow-loopback http://127.0.0.1:9/
count=$("$CW_VENV/bin/python" -c "
import boto3, os
print(boto3.client('dynamodb', endpoint_url=os.environ['AWS_ENDPOINT_URL_DYNAMODB'], region_name=os.environ['AWS_REGION']).scan(TableName='$TABLE')['Count'])")
if [ "$count" = 0 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL nothing written: $count items"; fi
echo "cli: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
