#!/bin/bash
#
# Entrypoint of the CI MariaDB image, after the official mysql/mariadb
# images: on an empty data directory it creates the system tables, sets
# the root password, creates MYSQL_DATABASE and MYSQL_USER, and runs
# /docker-entrypoint-initdb.d/*.{sh,sql,sql.gz} on a temporary server that
# listens on no TCP port (so a healthcheck over TCP only passes once the
# real server runs). Then it execs the server in the foreground.
#
# MYSQL_* variables are read first, MARIADB_* as the fallback:
#   ROOT_PASSWORD, ALLOW_EMPTY_PASSWORD (MariaDB's image calls it
#   MARIADB_ALLOW_EMPTY_ROOT_PASSWORD), RANDOM_ROOT_PASSWORD (one is
#   required), DATABASE, USER, PASSWORD.
set -euo pipefail

log() { echo "$(date -u +%FT%TZ) [entrypoint] $*"; }
die() { log "error: $*" >&2; exit 1; }

# setting NAME prints $MYSQL_NAME, else $MARIADB_NAME, else "".
setting() {
	local m="MYSQL_$1" d="MARIADB_$1"
	printf '%s' "${!m:-${!d:-}}"
}

# sql_escape escapes a string for a single-quoted SQL literal.
sql_escape() { printf '%s' "$1" | sed -e "s/\\\\/\\\\\\\\/g" -e "s/'/\\\\'/g"; }

# An argument starting with "-" is an option for mariadbd.
if [[ "${1:-}" == -* ]]; then
	set -- mariadbd "$@"
fi
if [[ "$1" != mariadbd && "$1" != mysqld ]]; then
	exec "$@"
fi

datadir=/var/lib/mysql
mkdir -p /run/mysqld
chown mysql:mysql /run/mysqld "${datadir}"

if [[ ! -d "${datadir}/mysql" ]]; then
	root_password="$(setting ROOT_PASSWORD)"
	if [[ -z "${root_password}" ]]; then
		if [[ -n "$(setting RANDOM_ROOT_PASSWORD)" ]]; then
			root_password="$(head -c 18 /dev/urandom | base64)"
			log "GENERATED ROOT PASSWORD: ${root_password}"
		elif [[ -z "$(setting ALLOW_EMPTY_PASSWORD)${MARIADB_ALLOW_EMPTY_ROOT_PASSWORD:-}" ]]; then
			die "the database is uninitialized and no root password is set: give MYSQL_ROOT_PASSWORD, MYSQL_ALLOW_EMPTY_PASSWORD or MYSQL_RANDOM_ROOT_PASSWORD"
		fi
	fi
	database="$(setting DATABASE)"
	user="$(setting USER)"
	password="$(setting PASSWORD)"
	if [[ "${user}" == root ]]; then
		die "MYSQL_USER=root: root is configured through MYSQL_ROOT_PASSWORD"
	fi

	log "initializing ${datadir}"
	mariadb-install-db --user=mysql --datadir="${datadir}" --skip-test-db \
		--auth-root-authentication-method=normal --skip-name-resolve >/dev/null

	socket=/run/mysqld/init.sock
	"$@" --user=mysql --skip-networking --socket="${socket}" &
	pid=$!
	for _ in $(seq 1 300); do
		if mariadb-admin --socket="${socket}" -uroot ping >/dev/null 2>&1; then
			break
		fi
		kill -0 "${pid}" 2>/dev/null || die "the temporary server exited"
		sleep 0.1
	done
	client=(mariadb --protocol=socket --socket="${socket}" -uroot)

	rp="$(sql_escape "${root_password}")"
	{
		echo "SET @@SESSION.SQL_LOG_BIN=0;"
		echo "DELETE FROM mysql.global_priv WHERE User='' OR (User='root' AND Host <> 'localhost');"
		echo "DELETE FROM mysql.proxies_priv WHERE NOT (User='root' AND Host='localhost');"
		echo "FLUSH PRIVILEGES;"
		echo "ALTER USER 'root'@'localhost' IDENTIFIED BY '${rp}';"
		echo "CREATE USER 'root'@'%' IDENTIFIED BY '${rp}';"
		echo "GRANT ALL ON *.* TO 'root'@'%' WITH GRANT OPTION;"
		if [[ -n "${database}" ]]; then
			echo "CREATE DATABASE IF NOT EXISTS \`${database}\`;"
		fi
		if [[ -n "${user}" ]]; then
			echo "CREATE USER '$(sql_escape "${user}")'@'%' IDENTIFIED BY '$(sql_escape "${password}")';"
			if [[ -n "${database}" ]]; then
				echo "GRANT ALL ON \`${database}\`.* TO '$(sql_escape "${user}")'@'%';"
			fi
		fi
	} | "${client[@]}"
	if [[ -n "${root_password}" ]]; then
		client+=(--password="${root_password}")
	fi
	if [[ -n "${database}" ]]; then
		client+=(--database="${database}")
	fi

	for f in /docker-entrypoint-initdb.d/*; do
		case "${f}" in
		*.sh)
			log "running ${f}"
			# shellcheck source=/dev/null # an init script of the image's user
			. "${f}"
			;;
		*.sql) log "running ${f}"; "${client[@]}" <"${f}" ;;
		*.sql.gz) log "running ${f}"; gunzip -c "${f}" | "${client[@]}" ;;
		*/\*) ;; # empty directory
		*) log "ignoring ${f}" ;;
		esac
	done

	mariadb-admin --socket="${socket}" -uroot ${root_password:+--password="${root_password}"} shutdown
	wait "${pid}" || true
	log "initialized; starting the server"
fi

exec "$@" --user=mysql
