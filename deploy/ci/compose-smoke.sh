#!/usr/bin/env bash
#
# deploy/ci/compose-smoke.sh: the compose smoke test. With the local images
# of deploy/ci/images.env (deploy/ci/build-images.sh), it starts
# docker-compose.yml with deploy/ci/compose.ci.yml, waits until every
# container is healthy, walks one order through the saga over HTTP (list
# the products, place an order, wait for AWAITING_PAYMENT, pay, wait for
# PAID), runs `shopctl verify` against the published ports, and removes the
# containers, network and volumes. On failure it prints the containers'
# state and logs and exits non-zero.
#
#   SMOKE_PROJECT       compose project name (default sagashop-smoke)
#   SMOKE_HOST          where the published ports are (default 127.0.0.1)
#   SMOKE_WAIT_TIMEOUT  seconds `up --wait` may take (default 300)
#   SMOKE_FLOW_TIMEOUT  seconds each order state may take (default 60)
#   SHOPCTL             shopctl binary (default deploy/ci/.build/bin/shopctl)
#
# Needs Docker Compose v2 (deploy/ci/install-compose.sh), curl and jq.

set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/../.."

project="${SMOKE_PROJECT:-sagashop-smoke}"
host="${SMOKE_HOST:-127.0.0.1}"
wait_timeout="${SMOKE_WAIT_TIMEOUT:-300}"
flow_timeout="${SMOKE_FLOW_TIMEOUT:-60}"
shopctl="${SHOPCTL:-deploy/ci/.build/bin/shopctl}"
images_env=deploy/ci/images.env
order_url="http://${host}:8001"
inventory_url="http://${host}:8002"
payment_url="http://${host}:8003"

compose=(docker compose -p "${project}" -f docker-compose.yml -f deploy/ci/compose.ci.yml --env-file "${images_env}")

started=${SECONDS}
timings=()
phase_started=${SECONDS}
phase() {
	echo
	echo "=== compose-smoke: $*"
	phase_started=${SECONDS}
}
# timed NAME records how long the current phase took.
timed() { timings+=("$(printf '%-22s %4ds' "$1" $((SECONDS - phase_started)))"); }

fail() {
	echo "compose-smoke: FAILED: $*" >&2
	exit 1
}

up=0
initial=""
cleanup() {
	local rc=$?
	[[ -z "${initial}" ]] || rm -f "${initial}"
	if ((up)); then
		if ((rc != 0)); then
			echo
			echo "=== compose-smoke: containers" >&2
			"${compose[@]}" ps -a >&2 || true
			echo
			echo "=== compose-smoke: logs" >&2
			"${compose[@]}" logs --no-color --timestamps >&2 || true
		fi
		phase "docker compose down -v"
		"${compose[@]}" down -v --remove-orphans --timeout 20 || rc=1
		timed "down -v"
	fi
	echo
	echo "=== compose-smoke: timings"
	printf '  %s\n' "${timings[@]}"
	printf '  %-22s %4ds\n' total $((SECONDS - started))
	if ((rc == 0)); then
		echo "compose-smoke: passed"
	else
		echo "compose-smoke: FAILED (exit ${rc})" >&2
	fi
	exit "${rc}"
}
trap cleanup EXIT

# api METHOD URL [BODY]: one JSON call; prints the body, fails on non-2xx.
api() {
	local method="$1" url="$2" body="${3:-}" out status
	local args=(-sS -m 10 -X "${method}" -H 'Accept: application/json' -w '\n%{http_code}')
	if [[ -n "${body}" ]]; then
		args+=(-H 'Content-Type: application/json' -d "${body}")
	fi
	out="$(curl "${args[@]}" "${url}")" || fail "${method} ${url}: curl failed"
	status="${out##*$'\n'}"
	out="${out%$'\n'*}"
	if [[ "${status}" != 2* ]]; then
		fail "${method} ${url}: HTTP ${status}: ${out}"
	fi
	printf '%s\n' "${out}"
}

# await_status SN WANT: polls the order until its status is WANT.
await_status() {
	local sn="$1" want="$2" deadline=$((SECONDS + flow_timeout)) status=""
	while ((SECONDS < deadline)); do
		status="$(api GET "${order_url}/v1/orders/${sn}" | jq -r .status)"
		if [[ "${status}" == "${want}" ]]; then
			echo "order ${sn}: ${status}"
			return 0
		fi
		if [[ "${status}" == CANCELLED ]]; then
			fail "order ${sn} was CANCELLED while waiting for ${want}: $(api GET "${order_url}/v1/orders/${sn}")"
		fi
		sleep 0.5
	done
	fail "order ${sn} is ${status:-unknown}, not ${want}, after ${flow_timeout}s"
}

phase "preflight"
for tool in curl jq; do
	command -v "${tool}" >/dev/null || fail "${tool} is not installed"
done
version="$(docker compose version --short 2>/dev/null)" || fail "docker compose (v2) is missing: run deploy/ci/install-compose.sh"
[[ "${version}" == 2.* || "${version}" == v2.* ]] || fail "docker compose ${version} is not v2: run deploy/ci/install-compose.sh"
deploy/ci/check-images.sh "${images_env}"
[[ -x "${shopctl}" ]] || fail "${shopctl} is missing: run deploy/ci/build-images.sh"
# A project left over from an interrupted run would hold the ports.
"${compose[@]}" down -v --remove-orphans --timeout 5 >/dev/null 2>&1 || true
timed "preflight"

phase "docker compose up -d --pull never --wait"
up=1
"${compose[@]}" up -d --pull never --wait --wait-timeout "${wait_timeout}"
"${compose[@]}" ps
timed "up --wait (healthy)"

phase "order flow"
# The stock right after start is the seed: shopctl verify checks every
# SKU's total against it.
initial="$(mktemp)"
api GET "${inventory_url}/v1/inventory" | jq '[.stocks[] | {key: .sku, value: .total}] | from_entries' >"${initial}"
products="$(api GET "${inventory_url}/v1/products")"
echo "${products}" | jq -c '.products[] | {sku, price, available}'
sku="$(echo "${products}" | jq -r '[.products[] | select(.available > 0)][0].sku // empty')"
[[ -n "${sku}" ]] || fail "no product in stock: ${products}"

order="$(api POST "${order_url}/v1/orders" "$(jq -cn --arg sku "${sku}" '{user_id: "compose-smoke", items: [{sku: $sku, quantity: 1}]}')")"
sn="$(echo "${order}" | jq -r .order_sn)"
amount="$(echo "${order}" | jq -r .total_amount)"
echo "placed ${sn}: 1 x ${sku}, total ${amount}, status $(echo "${order}" | jq -r .status)"
await_status "${sn}" AWAITING_PAYMENT

payment="$(api POST "${payment_url}/v1/payments" "$(jq -cn --arg sn "${sn}" --arg amount "${amount}" '{order_sn: $sn, amount: ($amount | tonumber)}')")"
echo "payment $(echo "${payment}" | jq -r .payment_sn): $(echo "${payment}" | jq -r .status)"
await_status "${sn}" PAID
timed "order flow"

phase "shopctl verify"
"${shopctl}" verify -order "${order_url}" -inventory "${inventory_url}" -payment "${payment_url}" \
	-initial "${initial}" -payment-timeout "$("${compose[@]}" config --format json | jq -r '.services.order.environment.SAGASHOP_PAYMENT_TIMEOUT')"
timed "shopctl verify"
