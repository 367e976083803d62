#!/usr/bin/env bash
#
# deploy/ci/build-images.sh: build every image the demo shop and the e2e
# suites need on a machine whose Docker Engine can pull nothing, and write
# their names to deploy/ci/images.env (MYSQL_IMAGE=..., ORDER_IMAGE=...).
#
#   1. a Debian bookworm root with mariadb-server, redis-server,
#      ca-certificates and tzdata, made by mmdebstrap (apt-installed when
#      missing) from this machine's own apt sources, imported as
#      sagashop-ci/debian:bookworm-<hash of its inputs>; skipped when that
#      tag exists;
#   2. MariaDB and Redis images FROM it (deploy/ci/mariadb, deploy/ci/redis);
#   3. mqd, order, inventory, payment and shopctl built on the host
#      (CGO_ENABLED=0 go build -trimpath) into FROM scratch images
#      (deploy/ci/Dockerfile.scratch); the binaries stay in deploy/ci/.build/bin.
#
# Every tag is a hash of what went into the image, never :latest (compose
# would pull :latest even when it is present), and an image whose tag
# exists is not rebuilt. Run as root (mmdebstrap and apt-get need it).
#
#   SAGASHOP_APT_SOURCES  apt sources to build the root from (default: the
#                         deb822 files in /etc/apt/sources.list.d, else
#                         /etc/apt/sources.list)

set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/../.."
export PATH="/usr/local/go/bin:${PATH}"

suite=bookworm
packages=mariadb-server,redis-server,ca-certificates,tzdata
programs=(mqd order inventory payment shopctl)
build_dir=deploy/ci/.build
images_env=deploy/ci/images.env
# Bump when the way the root is made changes without its inputs changing.
root_recipe=1

started=${SECONDS}
step_started=${SECONDS}
step() {
	echo
	echo "=== build-images: $*"
	step_started=${SECONDS}
}
done_step() { echo "--- $* ($((SECONDS - step_started))s)"; }

short_hash() { sha256sum | cut -c1-12; }
have_image() { docker image inspect "$1" >/dev/null 2>&1; }
# docker_build runs docker build quietly, showing its output only on failure
# (the classic builder's deprecation notice would otherwise fill the log).
docker_build() {
	local out
	if ! out="$(docker build --quiet "$@" 2>&1)"; then
		echo "${out}" >&2
		return 1
	fi
}

# apt_sources prints deb822 stanzas for the ${suite}* suites of this
# machine's apt configuration: the mirror the root is built from.
apt_sources() {
	local files=()
	if [[ -n "${SAGASHOP_APT_SOURCES:-}" ]]; then
		files=("${SAGASHOP_APT_SOURCES}")
	else
		shopt -s nullglob
		files=(/etc/apt/sources.list.d/*.sources)
		shopt -u nullglob
		if ((${#files[@]} == 0)) && [[ -s /etc/apt/sources.list ]]; then
			files=(/etc/apt/sources.list)
		fi
	fi
	if ((${#files[@]} == 0)); then
		echo "build-images: no apt sources found in /etc/apt" >&2
		return 1
	fi
	local f
	for f in "${files[@]}"; do
		case "${f}" in
		*.sources) deb822_stanzas "${f}" ;;
		*) oneline_stanzas "${f}" ;;
		esac
	done
}

# deb822_stanzas keeps the "Types: deb" stanzas of a .sources file, with
# their Suites narrowed to ${suite}*, and drops comments.
deb822_stanzas() {
	awk -v suite="${suite}" '
		function flush() {
			if (types ~ /(^| )deb( |$)/ && uris != "" && suites != "" && enabled != "no")
				printf "Types: deb\nURIs: %s\nSuites: %s\nComponents: %s\n%s\n", uris, suites, comps, (signed != "" ? "Signed-By: " signed "\n" : "")
			types = uris = suites = comps = signed = enabled = ""
		}
		/^[ \t]*#/ { next }
		/^[ \t]*$/ { flush(); next }
		{
			key = tolower($1); sub(/:$/, "", key)
			val = $0; sub(/^[^:]*:[ \t]*/, "", val)
			if (key == "types") types = val
			else if (key == "uris") uris = val
			else if (key == "components") comps = val
			else if (key == "signed-by") signed = val
			else if (key == "enabled") enabled = tolower(val)
			else if (key == "suites") {
				n = split(val, s, /[ \t]+/); suites = ""
				for (i = 1; i <= n; i++) if (index(s[i], suite) == 1) suites = suites (suites == "" ? "" : " ") s[i]
			}
		}
		END { flush() }
	' "$1"
}

# oneline_stanzas turns "deb [opts] URI SUITE COMPONENTS..." lines for
# ${suite}* into deb822 stanzas.
oneline_stanzas() {
	awk -v suite="${suite}" '
		$1 != "deb" { next }
		{
			i = 2
			if ($2 ~ /^\[/) { while ($i !~ /\]$/) i++; i++ }
			if (index($(i + 1), suite) != 1) next
			comps = ""
			for (j = i + 2; j <= NF; j++) comps = comps (comps == "" ? "" : " ") $j
			printf "Types: deb\nURIs: %s\nSuites: %s\nComponents: %s\n\n", $i, $(i + 1), comps
		}
	' "$1"
}

mkdir -p "${build_dir}"

# ---------------------------------------------------------------- Debian root
step "Debian ${suite} root"
sources="${build_dir}/${suite}.sources"
apt_sources >"${sources}"
if ! grep -q '^URIs:' "${sources}"; then
	echo "build-images: the apt sources name no ${suite} mirror" >&2
	exit 1
fi
echo "apt sources:"
sed 's/^/  /' "${sources}"
root_hash="$(printf 'recipe=%s\nsuite=%s\nvariant=apt\ninclude=%s\n' "${root_recipe}" "${suite}" "${packages}" |
	cat - "${sources}" | short_hash)"
debian_image="sagashop-ci/debian:${suite}-${root_hash}"
if have_image "${debian_image}"; then
	echo "${debian_image} exists; not rebuilt"
else
	if ! command -v mmdebstrap >/dev/null 2>&1; then
		echo "installing mmdebstrap"
		apt-get update -q
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends mmdebstrap </dev/null
	fi
	# mmdebstrap keeps services from starting while packages install and
	# leaves no apt lists or caches; the tarball goes straight to docker.
	mmdebstrap --quiet --variant=apt --include="${packages}" "${suite}" - "${sources}" |
		docker import --change 'ENV LANG=C.UTF-8' --change 'CMD ["/bin/bash"]' - "${debian_image}" >/dev/null
	echo "imported ${debian_image}"
fi
done_step "Debian root"

# ---------------------------------------------------------- MariaDB and Redis
# build_local NAME DIR: docker build DIR FROM the Debian root, tagged with a
# hash of the root and DIR's files; prints the image name.
build_local() {
	local name="$1" dir="$2" hash image
	hash="$( (echo "${debian_image}"; cd "${dir}" && find . -type f -print0 | sort -z | xargs -0 sha256sum) | short_hash)"
	image="sagashop-ci/${name}:${suite}-${hash}"
	if have_image "${image}"; then
		echo "${image} exists; not rebuilt" >&2
	else
		docker_build --build-arg "BASE_IMAGE=${debian_image}" -t "${image}" "${dir}"
		echo "built ${image}" >&2
	fi
	echo "${image}"
}

step "MariaDB and Redis images"
mysql_image="$(build_local mariadb deploy/ci/mariadb)"
redis_image="$(build_local redis deploy/ci/redis)"
done_step "MariaDB and Redis"

# ----------------------------------------------------------------- Go programs
step "Go programs (CGO_ENABLED=0 go build -trimpath)"
declare -A pkg=(
	[mqd]=./mq/cmd/mqd
	[order]=./services/order/cmd/order
	[inventory]=./services/inventory/cmd/inventory
	[payment]=./services/payment/cmd/payment
	[shopctl]=./services/shop/cmd/shopctl
)
pkgs=()
for p in "${programs[@]}"; do
	pkgs+=("${pkg[${p}]}")
done
mkdir -p "${build_dir}/bin"
# One go build for all of them: the packages compile in parallel.
CGO_ENABLED=0 GOFLAGS=-buildvcs=false go build -trimpath -ldflags='-s -w' -o "${build_dir}/bin/" "${pkgs[@]}"
ls -l "${build_dir}/bin"
done_step "Go programs"

step "FROM scratch images"
declare -A program_image
for p in "${programs[@]}"; do
	ctx="${build_dir}/ctx/${p}"
	rm -rf "${ctx}"
	mkdir -p "${ctx}/rootfs/usr/local/bin" "${ctx}/data"
	cp "${build_dir}/bin/${p}" "${ctx}/rootfs/usr/local/bin/sagashop"
	if [[ -d "services/${p}/configs" ]]; then
		mkdir -p "${ctx}/rootfs/app/services/${p}"
		cp -R "services/${p}/configs" "${ctx}/rootfs/app/services/${p}/"
	fi
	hash="$( (cat deploy/ci/Dockerfile.scratch; cd "${ctx}" && find . -type f -print0 | sort -z | xargs -0 sha256sum) | short_hash)"
	image="sagashop-ci/${p}:ci-${hash}"
	if have_image "${image}"; then
		echo "${image} exists; not rebuilt"
	else
		docker_build --build-arg "PROGRAM=${p}" -f deploy/ci/Dockerfile.scratch -t "${image}" "${ctx}"
		echo "built ${image}"
	fi
	program_image[${p}]="${image}"
done
done_step "FROM scratch images"

# --------------------------------------------------------------- images.env
tmp="${images_env}.tmp"
{
	echo "# Written by deploy/ci/build-images.sh; local images for docker compose"
	echo "# (--env-file) and the e2e suites. Do not edit: run the script again."
	echo "DEBIAN_IMAGE=${debian_image}"
	echo "MYSQL_IMAGE=${mysql_image}"
	echo "REDIS_IMAGE=${redis_image}"
	for p in "${programs[@]}"; do
		echo "${p^^}_IMAGE=${program_image[${p}]}"
	done
} >"${tmp}"
mv -f "${tmp}" "${images_env}"
echo
echo "=== build-images: wrote ${images_env} ($((SECONDS - started))s in all)"
sed 's/^/  /' "${images_env}"
