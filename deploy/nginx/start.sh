#!/bin/sh
# Entry point of the compose `lb` service (official nginx image or a compatible one): point nginx's
# resolver at the container's DNS server (podman's aardvark-dns), render the config, run nginx.
set -eu
ns="$(awk '/^nameserver/ { print $2; exit }' /etc/resolv.conf)"
case "$ns" in *:*) ns="[$ns]" ;; esac
export NAMESERVER="${ns:-127.0.0.11}"
envsubst '${NAMESERVER}' < /etc/nginx/chopchop/chopchop.conf.template > /etc/nginx/conf.d/default.conf
echo "lb: resolver ${NAMESERVER}" >&2
exec nginx -g 'daemon off;'
