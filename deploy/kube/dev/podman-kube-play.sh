#!/usr/bin/env bash
# deploy/kube/dev/podman-kube-play.sh up|down
#
# Runs the Kubernetes manifests of deploy/kube on one machine with `podman kube play` (tested with
# podman 4.3), next to the backing services of backing-services.yaml, then registers a user and checks
# that the worker delivered the confirmation email. Adapts for what podman 4.3 does differently:
#   * no Services and no cluster DNS: pods are reached by pod name (<deployment>-pod-0), so the
#     ConfigMap's host names are rewritten;
#   * Secret objects in the YAML are not usable by secretRef: they become podman secrets holding a
#     flat JSON map of base64 values, which is what kube play reads;
#   * no Job kind: the migration Job's pod template is played as a Pod;
#   * each containerPort is published on the host, so only 1 api replica (port 8000) can start;
#   * HPA and PodDisruptionBudget are ignored; httpGet probes become curl healthchecks (the image has
#     no curl: the image's own python HEALTHCHECK is the one to use with podman).
# Needs the image localhost/chopchop:latest (podman build --format docker -t localhost/chopchop:latest .)
set -euo pipefail
cd "$(dirname "$0")"
KUBE=..
NET=chopchop-kube
WORK="${TMPDIR:-/tmp}/chopchop-kube-play"

down() {
  for f in "$WORK"/api.yaml "$KUBE"/worker.yaml "$WORK"/migrate-pod.yaml "$WORK"/backing.yaml; do
    [ -f "$f" ] && podman kube down "$f" >/dev/null 2>&1 || true
  done
  podman volume rm -f pgdata >/dev/null 2>&1 || true
  podman secret rm postgres chopchop-secrets >/dev/null 2>&1 || true
  podman network rm -f "$NET" >/dev/null 2>&1 || true
  rm -rf "$WORK"
  return 0
}

up() {
  down
  mkdir -p "$WORK"
  python3 - "$WORK" <<'PY'
import base64, json, secrets, sys
import yaml  # PyYAML (python3-yaml)

work = sys.argv[1]
def flat_secret(doc, name, overrides=None):
    values = {**doc.get("stringData", {}), **(overrides or {})}
    values = {k: v for k, v in values.items() if v != ""}
    with open(f"{work}/{name}.json", "w") as fh:
        json.dump({k: base64.b64encode(v.encode()).decode() for k, v in values.items()}, fh)

docs = list(yaml.safe_load_all(open("backing-services.yaml")))
flat_secret(next(d for d in docs if d["kind"] == "Secret"), "postgres")
yaml.safe_dump_all([d for d in docs if d["kind"] != "Secret"], open(f"{work}/backing.yaml", "w"))
pg = next(d for d in docs if d["kind"] == "Secret")["stringData"]

template = yaml.safe_load(open("../secret.template.yaml"))
flat_secret(template, "chopchop-secrets", {
    "CHOPCHOP_DATABASE_URL": f"postgresql+asyncpg://{pg['POSTGRES_USER']}:{pg['POSTGRES_PASSWORD']}@postgres-pod-0:5432/{pg['POSTGRES_DB']}",
    "CHOPCHOP_JWT_SECRET": secrets.token_urlsafe(48),
})
cm = yaml.safe_load(open("../configmap.yaml"))
cm["data"].update(CHOPCHOP_REDIS_URL="redis://redis-pod-0:6379/0", CHOPCHOP_SMTP_HOST="mailpit-pod-0",
                  CHOPCHOP_PUBLIC_BASE_URL="http://127.0.0.1:8000")
yaml.safe_dump(cm, open(f"{work}/configmap.yaml", "w"))

job = yaml.safe_load(open("../migrate-job.yaml"))
pod = {"apiVersion": "v1", "kind": "Pod",
       "metadata": {"name": "chopchop-migrate", "labels": job["spec"]["template"]["metadata"]["labels"]},
       "spec": job["spec"]["template"]["spec"]}
yaml.safe_dump(pod, open(f"{work}/migrate-pod.yaml", "w"))
api = list(yaml.safe_load_all(open("../api.yaml")))
api[0]["spec"]["replicas"] = 1
yaml.safe_dump_all(api, open(f"{work}/api.yaml", "w"))
PY
  podman network create "$NET" >/dev/null
  podman secret create postgres "$WORK/postgres.json" >/dev/null
  podman secret create chopchop-secrets "$WORK/chopchop-secrets.json" >/dev/null
  # output to a file, not a pipe: conmon inherits the descriptors and would hold a pipe open
  play() { podman kube play --network "$NET" --configmap "$WORK/configmap.yaml" "$@" >>"$WORK/play.log" 2>&1 \
             || { cat "$WORK/play.log" >&2; return 1; }; }
  play "$WORK/backing.yaml"
  for _ in $(seq 60); do podman exec postgres-pod-0-postgres pg_isready -q -h 127.0.0.1 2>/dev/null && break; sleep 1; done
  play "$WORK/migrate-pod.yaml"
  for _ in $(seq 60); do [ "$(podman inspect -f '{{.State.Status}}' chopchop-migrate-migrate)" = exited ] && break; sleep 1; done
  [ "$(podman inspect -f '{{.State.ExitCode}}' chopchop-migrate-migrate)" = 0 ] || { podman logs chopchop-migrate-migrate; exit 1; }
  echo "migration pod: exit 0"
  play "$WORK/api.yaml"
  play "$KUBE/worker.yaml"
  podman exec -i chopchop-api-pod-0-api python - <<'PY'
import json, time, urllib.request as u
for _ in range(60):
    try:
        print("ready:", u.urlopen("http://127.0.0.1:8000/health/ready", timeout=3).read().decode()); break
    except OSError:
        time.sleep(1)
req = u.Request("http://127.0.0.1:8000/api/v1/auth/register", method="POST", headers={"Content-Type": "application/json"},
                data=json.dumps({"email": "kube@example.com", "password": "correct horse battery", "display_name": "Kube"}).encode())
print("register:", u.urlopen(req, timeout=10).status)
for _ in range(30):
    subjects = [m["Subject"] for m in json.load(u.urlopen("http://mailpit-pod-0:8025/api/v1/messages", timeout=5))["messages"]]
    if subjects:
        break
    time.sleep(1)
print("emails delivered by the worker:", subjects)
assert subjects, "no email"
PY
  podman pod ps --format '{{.Name}}\t{{.Status}}'
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  *) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
