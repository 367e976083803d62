#!/usr/bin/env bash
#
# tests/load/run.sh: one repeatable run of `shopctl load` against a freshly
# started sagashop, followed by `shopctl verify`. The figures in
# docs/benchmarks.md ("The saga: shopctl load") were measured with it.
#
#   tests/load/run.sh [flags] [-- extra shopctl load flags]
#
#   --mode M          mariadb (default): mqd standalone plus the order,
#                     inventory and payment binaries as separate processes,
#                     each on a fresh MariaDB database, sharing one Redis
#                     database; embedded: the `shop` binary (SQLite, in-process
#                     broker and Redis)
#   --duration D      how long buyers place orders (default 30s)
#   --buyers N        concurrent buyers (default 50)
#   --rate R          orders/s across all buyers, 0 = as fast as they go (default 0)
#   --pay-share S     share of orders paid, 0..1 (default 1: every order paid)
#   --restock N       units added to every SKU before the run (default 1000000)
#   --warmup D        a load run whose figures are discarded, first (default 5s;
#                     0 = none); it also makes the measured run pay for the
#                     order:timeout messages of earlier orders, as a shop in a
#                     steady state does, when it is at least --payment-timeout
#   --payment-timeout D
#                     level 16 of the broker's delay table, which the order
#                     service's payment_timeout and verify are told (default 60s)
#   --flush-log-at-trx-commit N
#                     set MariaDB's innodb_flush_log_at_trx_commit to N for the
#                     run and restore the old value afterwards (default: leave it)
#   --quiet-wait S    wait up to S seconds for the machine to be below 15% busy
#                     for 2 s before the warm-up (default 60; 0 = don't wait)
#   --keep            keep the databases, the Redis database and the data dirs
#   --profile S       take an S-second CPU profile of each service (and of
#                     mqd) from the start of the measured run, through
#                     SAGASHOP_DEBUG_ADDR, into the logs directory as
#                     NAME.pprof (read with `go tool pprof -top BIN FILE`)
#   --sql-log         mariadb mode: log every statement of the measured run
#                     (MariaDB's general log, which costs the server CPU, so
#                     the run's figures are not comparable) and print the
#                     statements per paid order by kind and table
#
# MariaDB and Redis are the CI test servers (.ci/test-servers start):
# SAGASHOP_LOAD_MYSQL_HOST/PORT/USER/PASSWORD default to
# 127.0.0.1/33306/sagashop/sagashop and SAGASHOP_LOAD_REDIS_HOST/PORT to
# 127.0.0.1/36379. The Redis database is claimed like tests/saga does (key
# sagashop:saga-test:claim in one of databases 1..15) and passed as
# SAGASHOP_REDIS_DB (a tree whose configs lack that placeholder gets copies
# of them with data.redis.db changed). Everything else goes through the
# SAGASHOP_* environment variables. The broker's delay table is the embedded
# shop's demo table with level 16, the payment timeout, set by
# --payment-timeout.
#
# To keep other users of the CI servers out of the figures, start a pair
# of one's own with the same settings and point the script at it:
#
#   SAGASHOP_TEST_SERVERS_DIR=/tmp/bench-servers SAGASHOP_TEST_MYSQL_PORT=43306 \
#       SAGASHOP_TEST_REDIS_PORT=46379 .ci/test-servers start
#   SAGASHOP_TEST_SERVERS_DIR=/tmp/bench-servers SAGASHOP_LOAD_MYSQL_PORT=43306 \
#       SAGASHOP_LOAD_REDIS_PORT=46379 tests/load/run.sh ...
#
# (SAGASHOP_TEST_SERVERS_DIR tells the script where the servers' pid files
# are, for the CPU figures.)
#
# Every listener gets a free port on 127.0.0.1. Binaries, logs and the
# results go to a temporary directory whose path is printed first; the
# script prints the load result, the CPU used during the measured run (per
# process; "irq" is the machine's interrupt time, mostly loopback TCP, part
# of which is also in the processes' figures; "other" is the rest of the
# machine's busy time, such as other work, and can come out slightly
# negative), the CPU and, in mariadb mode, the server's statements per paid
# order, and verify's report. It exits with verify's exit code (0 = every
# invariant holds). Every process it started is stopped and the databases
# are dropped on exit, also on Ctrl-C.

set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
mode=mariadb duration=30s buyers=50 rate=0 pay_share=1 restock=1000000 warmup=5s payment_timeout=60s
flush_commit="" quiet_wait=60 keep=0 profile=0 sql_log=0
extra=()
while (($#)); do
	case "$1" in
	--mode) mode="$2"; shift 2 ;;
	--duration) duration="$2"; shift 2 ;;
	--buyers) buyers="$2"; shift 2 ;;
	--rate) rate="$2"; shift 2 ;;
	--pay-share) pay_share="$2"; shift 2 ;;
	--restock) restock="$2"; shift 2 ;;
	--warmup) warmup="$2"; shift 2 ;;
	--payment-timeout) payment_timeout="$2"; shift 2 ;;
	--flush-log-at-trx-commit) flush_commit="$2"; shift 2 ;;
	--quiet-wait) quiet_wait="$2"; shift 2 ;;
	--keep) keep=1; shift ;;
	--profile) profile="$2"; shift 2 ;;
	--sql-log) sql_log=1; shift ;;
	--) shift; extra=("$@"); break ;;
	-h | --help) sed -n '3,/^$/s/^# \{0,1\}//p' "$0"; exit 0 ;;
	*) echo "run.sh: unknown flag $1 (see --help)" >&2; exit 2 ;;
	esac
done
case "${mode}" in mariadb | embedded) ;; *) echo "run.sh: --mode is mariadb or embedded" >&2; exit 2 ;; esac

my_host="${SAGASHOP_LOAD_MYSQL_HOST:-127.0.0.1}" my_port="${SAGASHOP_LOAD_MYSQL_PORT:-33306}"
my_user="${SAGASHOP_LOAD_MYSQL_USER:-sagashop}" my_pass="${SAGASHOP_LOAD_MYSQL_PASSWORD:-sagashop}"
redis_host="${SAGASHOP_LOAD_REDIS_HOST:-127.0.0.1}" redis_port="${SAGASHOP_LOAD_REDIS_PORT:-36379}"
delay_table="1s 5s 10s 30s 1m 2m 3m 4m 5m 6m 7m 8m 9m 10m 20m ${payment_timeout} 1h 2h"
claim_key="sagashop:saga-test:claim"

work="$(mktemp -d /tmp/sagashop-load.XXXXXX)"
bin="${work}/bin" logs="${work}/logs"
mkdir -p "${bin}" "${logs}"
echo "run.sh: logs and results in ${work}"

log() { echo "run.sh: $*" >&2; }
sql() { mariadb -h"${my_host}" -P"${my_port}" -u"${my_user}" -p"${my_pass}" -N -B -e "$1"; }
rcli() { redis-cli -h "${redis_host}" -p "${redis_port}" "$@"; }

# --- cleanup -----------------------------------------------------------------

declare -A pids=() # name -> pid of every process started here
dbs=() redis_db="" old_flush_commit=""
cleanup() {
	local rc=$?
	trap - EXIT INT TERM
	for name in "${!pids[@]}"; do
		kill -TERM "${pids[${name}]}" 2>/dev/null || true
	done
	for name in "${!pids[@]}"; do
		for ((i = 0; i < 150; i++)); do
			kill -0 "${pids[${name}]}" 2>/dev/null || break
			sleep 0.1
		done
		if kill -0 "${pids[${name}]}" 2>/dev/null; then
			log "${name} (pid ${pids[${name}]}) did not stop within 15 s; SIGKILL"
			kill -KILL "${pids[${name}]}" 2>/dev/null || true
		fi
		wait "${pids[${name}]}" 2>/dev/null || true
	done
	if [[ -n "${old_flush_commit}" ]]; then
		sql "SET GLOBAL innodb_flush_log_at_trx_commit = ${old_flush_commit}" || true
	fi
	if ((!keep)); then
		for db in "${dbs[@]}"; do
			sql "DROP DATABASE IF EXISTS \`${db}\`" || log "could not drop ${db}"
		done
		[[ -z "${redis_db}" ]] || rcli -n "${redis_db}" FLUSHDB >/dev/null || true
		rm -rf "${work}/data" "${bin}"
	fi
	log "logs in ${work}"
	exit "${rc}"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- helpers -----------------------------------------------------------------

declare -A taken=()
free_port() { # prints a port nobody listens on, never the same twice per run
	local p
	while :; do
		p=$((20000 + RANDOM % 20000))
		[[ -z "${taken[${p}]:-}" ]] || continue
		[[ -z "$(ss -Htan "( sport = :${p} )")" ]] || continue
		taken[${p}]=1
		echo "${p}"
		return
	done
}

wait_healthy() { # wait_healthy NAME HOST:PORT
	for ((i = 0; i < 300; i++)); do
		if "${bin}/shopctl-health" "$2" 2>/dev/null; then
			return 0
		fi
		kill -0 "${pids[$1]}" 2>/dev/null || { log "$1 exited; its log:"; tail -30 "${logs}/$1.log" >&2; return 1; }
		sleep 0.1
	done
	log "$1 not healthy on $2 within 30 s"
	return 1
}

wait_port() { # wait_port NAME PORT
	for ((i = 0; i < 300; i++)); do
		[[ -z "$(ss -Htln "( sport = :$2 )")" ]] || return 0
		kill -0 "${pids[$1]}" 2>/dev/null || { log "$1 exited; its log:"; tail -30 "${logs}/$1.log" >&2; return 1; }
		sleep 0.1
	done
	log "$1 not listening on $2 within 30 s"
	return 1
}

busy_jiffies() { # busy (not idle, not iowait) jiffies of the whole machine
	local _cpu user nice system idle iowait irq softirq steal rest
	read -r _cpu user nice system idle iowait irq softirq steal rest </proc/stat
	echo $((user + nice + system + irq + softirq + steal))
}

softirq_jiffies() { # interrupt jiffies of the whole machine (mostly loopback TCP)
	local _cpu user nice system idle iowait irq softirq rest
	read -r _cpu user nice system idle iowait irq softirq rest </proc/stat
	echo $((irq + softirq))
}

proc_jiffies() { # utime+stime of pid $1 (0 once it is gone)
	local stat
	stat="$(cat "/proc/$1/stat" 2>/dev/null)" || { echo 0; return; }
	stat="${stat##*) }" # the fields after "(comm) "
	read -r -a f <<<"${stat}"
	echo $((f[11] + f[12]))
}

wait_quiet() { # wait up to $1 s for two consecutive 1 s windows below 15% busy
	local deadline=$((SECONDS + $1)) calm=0 a b hz cores
	hz="$(getconf CLK_TCK)" cores="$(nproc)"
	while ((SECONDS < deadline)); do
		a="$(busy_jiffies)"
		sleep 1
		b="$(busy_jiffies)"
		if (((b - a) * 100 < 15 * hz * cores)); then
			((++calm >= 2)) && return 0
		else
			calm=0
		fi
	done
	log "the machine stayed above 15% busy for ${1} s; running anyway (see the 'other' CPU)"
}

# --- build -------------------------------------------------------------------

log "building into ${bin}"
(
	cd "${repo}"
	go build -o "${bin}/shopctl" ./services/shop/cmd/shopctl
	if [[ "${mode}" == embedded ]]; then
		go build -o "${bin}/shop" ./services/shop/cmd/shop
	else
		go build -o "${bin}/mqd" ./mq/cmd/mqd
		for svc in order inventory payment; do
			go build -o "${bin}/${svc}" "./services/${svc}/cmd/${svc}"
		done
	fi
)
# The order binary's -healthcheck does GET /healthz; the shop binary has
# none, so a tiny wrapper around curl or the order binary is used for both.
if [[ "${mode}" == mariadb ]]; then
	printf '#!/bin/sh\nexec "%s" -healthcheck "$1" >/dev/null 2>&1\n' "${bin}/order" >"${bin}/shopctl-health"
else
	printf '#!/bin/sh\nexec curl -fsS -o /dev/null "http://$1/healthz"\n' >"${bin}/shopctl-health"
fi
chmod +x "${bin}/shopctl-health"

# --- start the shop ----------------------------------------------------------

declare -A http_port=() grpc_port=()
for svc in order inventory payment; do
	http_port[${svc}]="$(free_port)" grpc_port[${svc}]="$(free_port)"
done
ns_port="$(free_port)" broker_port="$(free_port)"
declare -A debug_port=()
for name in order inventory payment shop; do debug_port[${name}]="$(free_port)"; done

if [[ "${mode}" == embedded ]]; then
	"${bin}/shop" -data "${work}/data" -message-delay-level "${delay_table}" \
		-namesrv-port "${ns_port}" -broker-port "${broker_port}" \
		-order-http-port "${http_port[order]}" -order-grpc-port "${grpc_port[order]}" \
		-inventory-http-port "${http_port[inventory]}" -inventory-grpc-port "${grpc_port[inventory]}" \
		-payment-http-port "${http_port[payment]}" -payment-grpc-port "${grpc_port[payment]}" \
		-debug-addr "127.0.0.1:${debug_port[shop]}" >"${logs}/shop.log" 2>&1 &
	pids[shop]=$!
	for svc in inventory payment order; do
		wait_healthy shop "127.0.0.1:${http_port[${svc}]}"
	done
	measured=(shop)
else
	sql "SELECT 1" >/dev/null || { log "MariaDB on ${my_host}:${my_port} is not reachable (.ci/test-servers start)"; exit 1; }
	for ((n = 15; n >= 1; n--)); do
		if [[ "$(rcli -n "${n}" SET "${claim_key}" "tests/load/run.sh pid $$" NX EX 7200)" == OK ]]; then
			redis_db="${n}"
			break
		fi
	done
	[[ -n "${redis_db}" ]] || { log "Redis databases 1..15 are all claimed"; exit 1; }
	rcli -n "${redis_db}" FLUSHDB >/dev/null
	rcli -n "${redis_db}" SET "${claim_key}" "tests/load/run.sh pid $$" EX 7200 >/dev/null
	if [[ -n "${flush_commit}" ]]; then
		old_flush_commit="$(sql "SELECT @@GLOBAL.innodb_flush_log_at_trx_commit")"
		sql "SET GLOBAL innodb_flush_log_at_trx_commit = ${flush_commit}"
	fi
	sql "SELECT CONCAT('version ', VERSION(), ', innodb_flush_log_at_trx_commit=', @@innodb_flush_log_at_trx_commit,
		', sync_binlog=', @@sync_binlog, ', log_bin=', @@log_bin, ', innodb_buffer_pool_size=', @@innodb_buffer_pool_size,
		', innodb_flush_method=', @@innodb_flush_method, ', innodb_doublewrite=', @@innodb_doublewrite)" >"${logs}/mariadb-settings.txt"
	log "MariaDB settings: $(cat "${logs}/mariadb-settings.txt")"
	log "Redis database ${redis_db} on ${redis_host}:${redis_port}"

	"${bin}/mqd" standalone -store "${work}/data/mq" -namesrv-listen "127.0.0.1:${ns_port}" \
		-broker-listen "127.0.0.1:${broker_port}" -broker-ip 127.0.0.1 -log-level warn \
		-message-delay-level "${delay_table}" >"${logs}/mqd.log" 2>&1 &
	pids[mqd]=$!
	wait_port mqd "${ns_port}"
	wait_port mqd "${broker_port}"

	# One after the other, each healthy before the next, in dependency order
	# (order calls inventory, payment calls order): a gRPC client that finds
	# no server starts in connection backoff and fails its first calls.
	for svc in inventory order payment; do
		db="sagashop_load_$$_${svc}"
		sql "CREATE DATABASE \`${db}\`"
		dbs+=("${db}")
		conf="${repo}/services/${svc}/configs/config.yaml"
		if ! grep -q 'SAGASHOP_REDIS_DB' "${conf}"; then # a tree from before the placeholder
			sed 's/^\(    db:\) 0$/\1 '"${redis_db}"'/' "${conf}" >"${work}/${svc}.yaml"
			conf="${work}/${svc}.yaml"
			grep -q "^    db: ${redis_db}\$" "${conf}" || { log "${svc}: data.redis.db not found in its config"; exit 1; }
		fi
		env -u SAGASHOP_FAULT \
			SAGASHOP_HTTP_ADDR="127.0.0.1:${http_port[${svc}]}" SAGASHOP_GRPC_ADDR="127.0.0.1:${grpc_port[${svc}]}" \
			SAGASHOP_DB_DRIVER=mysql \
			SAGASHOP_DB_SOURCE="${my_user}:${my_pass}@tcp(${my_host}:${my_port})/${db}?parseTime=true" \
			SAGASHOP_REDIS_ADDR="${redis_host}:${redis_port}" SAGASHOP_REDIS_DB="${redis_db}" \
			SAGASHOP_NAMESRV="127.0.0.1:${ns_port}" \
			SAGASHOP_ORDER_GRPC="127.0.0.1:${grpc_port[order]}" SAGASHOP_INVENTORY_GRPC="127.0.0.1:${grpc_port[inventory]}" \
			SAGASHOP_PAYMENT_TIMEOUT="${payment_timeout}" SAGASHOP_DEBUG_ADDR="127.0.0.1:${debug_port[${svc}]}" \
			"${bin}/${svc}" -conf "${conf}" >"${logs}/${svc}.log" 2>&1 &
		pids[${svc}]=$!
		wait_healthy "${svc}" "127.0.0.1:${http_port[${svc}]}"
	done
	measured=(mqd order inventory payment)
	servers="${SAGASHOP_TEST_SERVERS_DIR:-/tmp/sagashop-test-servers}"
	for f in "${servers}/mariadb.pid" "${servers}/redis.pid"; do
		[[ -r "${f}" ]] || continue
		ext_pid="$(cat "${f}")"
		[[ "${f}" == *mariadb* ]] && mariadb_pid="${ext_pid}" || redis_pid="${ext_pid}"
	done
fi
urls=(-order "http://127.0.0.1:${http_port[order]}" -inventory "http://127.0.0.1:${http_port[inventory]}"
	-payment "http://127.0.0.1:${http_port[payment]}")
log "shop up: ${urls[*]}"

# --- load --------------------------------------------------------------------

((quiet_wait <= 0)) || wait_quiet "${quiet_wait}"
if [[ "${warmup}" != 0 && "${warmup}" != 0s ]]; then
	log "warm-up: ${warmup} (figures discarded, in ${logs}/warmup.txt)"
	"${bin}/shopctl" load "${urls[@]}" -buyers "${buyers}" -duration "${warmup}" -rate "${rate}" \
		-pay-share "${pay_share}" -restock "${restock}" "${extra[@]}" >"${logs}/warmup.txt" 2>&1
	restock=0 # done once
fi

declare -A before=()
for name in "${measured[@]}"; do before[${name}]="$(proc_jiffies "${pids[${name}]}")"; done
[[ -z "${mariadb_pid:-}" ]] || before[mariadbd]="$(proc_jiffies "${mariadb_pid}")"
[[ -z "${redis_pid:-}" ]] || before[redis]="$(proc_jiffies "${redis_pid}")"
# The server's statement counters: global, so they count other clients of
# the same server too (use a server of one's own for this line).
sql_counters() {
	sql "SHOW GLOBAL STATUS WHERE Variable_name IN ('Questions', 'Com_select', 'Com_insert', 'Com_update',
		'Com_delete', 'Com_begin', 'Com_commit', 'Innodb_row_lock_waits', 'Innodb_row_lock_time')"
}
[[ "${mode}" != mariadb ]] || sql_counters >"${logs}/mariadb-status-before.txt"
if ((sql_log)) && [[ "${mode}" == mariadb ]]; then
	sql "SET GLOBAL general_log_file = '${work}/general.log'" 2>/dev/null ||
		sql "SET GLOBAL general_log_file = '/tmp/sagashop-load-$$-general.log'"
	general_log="$(sql "SELECT @@GLOBAL.general_log_file")"
	sql "SET GLOBAL log_output = 'FILE', GLOBAL general_log = ON"
fi
prof_pids=()
if ((profile > 0)); then
	for name in "${!debug_port[@]}"; do
		[[ -n "${pids[${name}]:-}" ]] || continue
		curl -fsS -o "${logs}/${name}.pprof" \
			"http://127.0.0.1:${debug_port[${name}]}/debug/pprof/profile?seconds=${profile}" &
		prof_pids+=($!)
	done
fi
busy0="$(busy_jiffies)" irq0="$(softirq_jiffies)" t0="${EPOCHREALTIME}"

load_cmd=("${bin}/shopctl" load "${urls[@]}" -buyers "${buyers}" -duration "${duration}" -rate "${rate}"
	-pay-share "${pay_share}" -restock "${restock}" "${extra[@]}")
echo "run.sh: mode ${mode}: shopctl load ${load_cmd[*]:2}" | sed "s|${bin}/||g" >"${logs}/load.txt"
TIMEFORMAT="%U %S"
{ time "${load_cmd[@]}" >>"${logs}/load.txt" 2>&1; } 2>"${logs}/shopctl-cpu.txt" || load_rc=$?
t1="${EPOCHREALTIME}" busy1="$(busy_jiffies)" irq1="$(softirq_jiffies)"
[[ "${mode}" != mariadb ]] || sql_counters >"${logs}/mariadb-status-after.txt"
if [[ -n "${general_log:-}" ]]; then
	sql "SET GLOBAL general_log = OFF"
fi
for p in "${prof_pids[@]}"; do wait "${p}" || log "a profile failed"; done
cat "${logs}/load.txt"

# CPU during the measured run, in cores (CPU seconds per second of wall time).
hz="$(getconf CLK_TCK)"
wall="$(echo "${t1} - ${t0}" | bc -l)"
cores() { echo "scale=2; $1 / ${hz} / ${wall}" | bc -l | sed 's/^\./0./;s/^-\./-0./'; }
sum=0 line=""
for name in "${measured[@]}" mariadbd redis; do
	[[ -n "${before[${name}]:-}" ]] || continue
	case "${name}" in
	mariadbd) now="$(proc_jiffies "${mariadb_pid}")" ;;
	redis) now="$(proc_jiffies "${redis_pid}")" ;;
	*) now="$(proc_jiffies "${pids[${name}]}")" ;;
	esac
	d=$((now - before[${name}]))
	sum=$((sum + d))
	line+="${name} $(cores "${d}"), "
done
read -r su ss <"${logs}/shopctl-cpu.txt"
shopctl_j="$(echo "(${su} + ${ss}) * ${hz}" | bc -l | cut -d. -f1)"
sum=$((sum + ${shopctl_j:-0}))
irq=$((irq1 - irq0))
line+="shopctl $(cores "${shopctl_j:-0}"), irq $(cores "${irq}"), other $(cores $((busy1 - busy0 - sum - irq))) (of $(nproc))"
echo "cpu (cores over ${wall%.*} s): ${line}" | tee -a "${logs}/load.txt"
# CPU of the shop, its servers and shopctl per paid order: a figure that
# other work on the machine moves less than orders/s.
paid="$(sed -n 's/^orders: .* paid \([0-9]*\),.*/\1/p' "${logs}/load.txt")"
if [[ -n "${paid}" && "${paid}" -gt 0 ]]; then
	echo "cpu per paid order: $(echo "scale=1; ${sum} * 1000 / ${hz} / ${paid}" | bc -l) ms in the processes above, $(echo "scale=1; ${irq} * 1000 / ${hz} / ${paid}" | bc -l | sed 's/^\./0./') ms irq" | tee -a "${logs}/load.txt"
fi
if [[ "${mode}" == mariadb && -n "${paid}" && "${paid}" -gt 0 ]]; then
	# e.g. "mariadb per paid order: Questions 61.2, Com_select 25.1, ..."
	echo "mariadb per paid order (whole server): $(join -t $'\t' <(sort "${logs}/mariadb-status-before.txt") <(sort "${logs}/mariadb-status-after.txt") |
		awk -F'\t' -v n="${paid}" '{printf "%s%s %.1f", sep, $1, ($3 - $2) / n; sep = ", "}')" | tee -a "${logs}/load.txt"
fi
if [[ -n "${general_log:-}" && -n "${paid}" && "${paid}" -gt 0 ]]; then
	# Statements by their first words and table, e.g. "INSERT INTO consumed_events".
	echo "statements per paid order, by kind (general log ${general_log}):"
	grep -E '\sQuery\s' "${general_log}" | sed -E 's/.*\sQuery\s+//' |
		sed -E 's/`//g; s/^(SELECT).* FROM ([a-z_]+).*/\1 \2/I; s/^(INSERT INTO|UPDATE|DELETE FROM) ([a-z_]+).*/\1 \2/I; s/^(SELECT [0-9]+|START TRANSACTION|COMMIT|ROLLBACK|SET [a-z_@ ]+).*/\1/I' |
		sort | uniq -c | sort -rn | awk -v n="${paid}" '{c=$1; $1=""; printf "  %6.2f %s\n", c / n, $0}' | head -40 | tee -a "${logs}/load.txt"
	rm -f "${general_log}"
fi
((profile <= 0)) || echo "profiles: ${logs}/*.pprof (binaries in ${bin}; use --keep to keep them)"
[[ -z "${load_rc:-}" ]] || { log "shopctl load exited ${load_rc}"; exit "${load_rc}"; }

# --- verify ------------------------------------------------------------------

echo
verify_rc=0
"${bin}/shopctl" verify "${urls[@]}" -payment-timeout "${payment_timeout}" >"${logs}/verify.txt" 2>&1 || verify_rc=$?
cat "${logs}/verify.txt"
exit "${verify_rc}"
