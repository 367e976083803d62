#!/usr/bin/env bash
#
# deploy/ci/check-images.sh [ENV_FILE]: check that every image the compose
# smoke test and the e2e suites need exists locally, before anything tries
# (and, with no registry, fails) to pull one. The names come from ENV_FILE
# (default deploy/ci/images.env, written by deploy/ci/build-images.sh); a
# variable already set in the environment wins, as it does for compose's
# interpolation. Exits 1 naming every variable that is unset, tagged
# :latest or untagged (compose and testcontainers would pull those), or
# names an image that is not present.

set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/../.."

env_file="${1:-deploy/ci/images.env}"
required=(MYSQL_IMAGE REDIS_IMAGE MQD_IMAGE ORDER_IMAGE INVENTORY_IMAGE PAYMENT_IMAGE SHOPCTL_IMAGE)

declare -A from_file=()
if [[ -f "${env_file}" ]]; then
	while IFS='=' read -r key value; do
		[[ "${key}" =~ ^[A-Z0-9_]+$ ]] && from_file[${key}]="${value}"
	done <"${env_file}"
fi

problems=()
for var in "${required[@]}"; do
	image="${!var:-${from_file[${var}]:-}}"
	name="${image##*/}"
	if [[ -z "${image}" ]]; then
		problems+=("${var} is not set (no ${env_file}? run deploy/ci/build-images.sh)")
	elif [[ "${name}" != *:* || "${image}" == *:latest ]]; then
		problems+=("${var}=${image}: give an explicit tag other than :latest (compose pulls :latest)")
	elif ! docker image inspect "${image}" >/dev/null 2>&1; then
		problems+=("${var}=${image}: image missing")
	else
		echo "ok  ${var}=${image}"
	fi
done

if ((${#problems[@]} > 0)); then
	echo "check-images: ${#problems[@]} of ${#required[@]} images are not usable:" >&2
	printf '  %s\n' "${problems[@]}" >&2
	exit 1
fi
echo "check-images: all ${#required[@]} images present"
