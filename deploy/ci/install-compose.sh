#!/usr/bin/env bash
#
# deploy/ci/install-compose.sh: install Docker Compose v2 as the docker CLI
# plugin (~/.docker/cli-plugins/docker-compose) on a machine that has only
# Debian's docker-compose 1.29.2 and no registry.
#
# Compose v2 is a Go module; `go install ...@version` refuses it (its go.mod
# has exclude directives), so this downloads the module through the Go
# module proxy and builds ./cmd inside the downloaded directory (~80 s on 2
# cores). It does nothing when `docker compose version` already reports v2.
#
#   COMPOSE_VERSION   module version to build (default v2.40.3)

set -euo pipefail

version="${COMPOSE_VERSION:-v2.40.3}"
module="github.com/docker/compose/v2"
plugin_dir="${DOCKER_CONFIG:-${HOME}/.docker}/cli-plugins"

if current="$(docker compose version --short 2>/dev/null)" && [[ "${current}" == 2.* || "${current}" == v2.* ]]; then
	echo "install-compose: docker compose ${current} is already installed"
	exit 0
fi

export PATH="/usr/local/go/bin:${PATH}"
command -v go >/dev/null || { echo "install-compose: go not found" >&2; exit 1; }

start=${SECONDS}
echo "install-compose: downloading ${module}@${version}"
# Outside any module, so the repository's go.mod does not get involved.
dir="$(cd / && GO111MODULE=on GOFLAGS=-mod=mod go mod download -json "${module}@${version}" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
if [[ -z "${dir}" || ! -d "${dir}" ]]; then
	echo "install-compose: go mod download did not report the module directory" >&2
	exit 1
fi

mkdir -p "${plugin_dir}"
tmp="${plugin_dir}/.docker-compose.$$"
trap 'rm -f "${tmp}"' EXIT
echo "install-compose: building ${dir}/cmd"
# GOWORK=off and GOFLAGS=-mod=mod: build the downloaded module as the main
# module, whatever the caller's environment says.
(cd "${dir}" && GOWORK=off GOFLAGS="-mod=mod -buildvcs=false" CGO_ENABLED=0 go build -trimpath \
	-ldflags "-s -w -X ${module}/internal.Version=${version}" -o "${tmp}" ./cmd)
mv -f "${tmp}" "${plugin_dir}/docker-compose"
trap - EXIT
echo "install-compose: installed $("${plugin_dir}/docker-compose" version) in $((SECONDS - start))s"
docker compose version
