# shellcheck shell=bash
# Sourced by scripts/container-smoke and scripts/kube-smoke: podman on this machine, the registry images
# the project names, and the project's image.
#
# Where no registry is reachable, the podman-offline toolkit beside the repository ($TOOLS, normally
# ../shared/tools/podman-offline) installs podman and builds local stand-ins for the base images under
# their registry names; elsewhere podman pulls the real ones. The caller sets TOOLS and defines
# log MESSAGE and die MESSAGE.

# podman_ensure_tools [compose]: podman (and podman-compose >= 1.6 with "compose"), installed by the
# toolkit's setup.sh when missing.
podman_ensure_tools() {
  local want_compose="${1:-}"
  if [ -d "$TOOLS" ]; then
    if ! command -v podman >/dev/null 2>&1 \
       || { [ -n "$want_compose" ] && { ! command -v podman-compose >/dev/null 2>&1 \
              || ! podman-compose version 2>/dev/null | grep -q 'podman-compose version 1\.[6-9]'; }; }; then
      log "installing podman and podman-compose ($TOOLS/setup.sh)"
      "$TOOLS/setup.sh"
    fi
    # netavark (podman's network backend) runs iptables; the toolkit's setup.sh does not install it
    # and without it every RUN step and container network fails with "netavark: No such file or directory".
    if ! command -v iptables >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
      log "installing iptables (needed by netavark)"
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq iptables >/dev/null \
        || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq iptables >/dev/null; }
    fi
  fi
  command -v podman >/dev/null 2>&1 || die "podman is not installed"
  if [ -n "$want_compose" ]; then
    command -v podman-compose >/dev/null 2>&1 || die "podman-compose is not installed"
  fi
  return 0
}

# podman_containerfile_images: the base images the Containerfile names (its ARG ..._IMAGE=... defaults).
podman_containerfile_images() {
  sed -n 's/^ARG [A-Z_]*IMAGE=\(.*\)$/\1/p' Containerfile
}

# podman_ensure_images REF...: each registry image present locally is used as is; a missing one is
# pulled where a registry answers, otherwise built as a podman-offline stand-in.
podman_ensure_images() {
  local ref kind
  for ref in $(printf '%s\n' "$@" | sort -u); do
    podman image exists "$ref" && continue
    if [ -d "$TOOLS" ]; then
      case "$ref" in
        */library/python:*) kind=python ;;   */library/postgres:*) kind=postgres ;;
        */library/redis:*) kind=redis ;;     */axllent/mailpit:*) kind=mailpit ;;
        */library/nginx:*) kind=nginx ;;     */astral-sh/uv:*) kind=uv ;;
        *) die "no stand-in for $ref" ;;
      esac
      if ! podman pull -q "$ref" >/dev/null 2>&1; then
        log "no registry: building the podman-offline stand-in for $ref"
        "$TOOLS/standin.sh" "$kind" "$ref"
      fi
    else
      podman pull -q "$ref" >/dev/null
    fi
  done
}

# podman_build_image TAG LOGFILE: builds the project's image from the work tree (docker format keeps the
# HEALTHCHECK); on failure prints the end of the build log and dies.
podman_build_image() {
  local tag="$1" logfile="$2"
  podman build --format docker -t "$tag" \
    --build-arg REVISION="$(git rev-parse HEAD 2>/dev/null || echo unknown)" \
    --build-arg CREATED="$(date -u +%Y-%m-%dT%H:%M:%SZ)" . >"$logfile" 2>&1 \
    || { tail -40 "$logfile"; die "image build failed"; }
}
