# Sourced by scripts/test, scripts/demo and scripts/bench: installs the Debian packages the
# project needs when they are missing (libcurl, jansson, libyaml, libcrypto, hiredis and zlib headers, redis-server for the shared-cache tests, pkg-config, jq) (a fresh CI machine has none of them).
ensure_deps() {
    local wanted=(libcurl4-openssl-dev libjansson-dev libyaml-dev libssl-dev libhiredis-dev zlib1g-dev redis-server pkg-config jq "$@")
    local missing=()
    local pkg
    for pkg in "${wanted[@]}"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    echo "installing: ${missing[*]}" >&2
    local sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    $sudo apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >&2
}
