#!/usr/bin/env bash
# What the tests need from the machine, made true: Debian packages a fresh machine lacks are
# installed (root, or passwordless sudo), and the local services that have stopped are started
# (commands from the node-svc machine page). Quick and silent when everything is there.
# Run by `npm test` (scripts/test.js) and by `.ci/run`.
set -uo pipefail
log() { printf '[machine] %s\n' "$*"; }

# Debian packages the tests need (kubectl renders the k8s overlays; nats-server, postgres and
# redis are the services npm start and the tests use).
need=()
command -v kubectl >/dev/null 2>&1 || need+=(kubernetes-client)
command -v nats-server >/dev/null 2>&1 || [ -x /usr/sbin/nats-server ] || need+=(nats-server)
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || need+=(postgresql)
# The word-edit e2e runs the spec's own Python `requests` upload client.
{ python3 -c 'import requests' || /usr/bin/python3 -c 'import requests'; } >/dev/null 2>&1 || need+=(python3-requests)
# The Word agent's tests convert with LibreOffice (warm converter: python3-uno) and read PDFs with poppler.
command -v soffice >/dev/null 2>&1 || need+=(libreoffice-writer-nogui fonts-liberation2 fonts-dejavu-core)
/usr/bin/python3 -c 'import uno' >/dev/null 2>&1 || need+=(python3-uno)
command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)
# The README test runs the README's marked curl + jq blocks (test/e2e/readme.e2e-spec.ts).
command -v jq >/dev/null 2>&1 || need+=(jq)
command -v curl >/dev/null 2>&1 || need+=(curl)
# The browser viewer's tests and benchmark drive Debian's Chromium (playwright-core, no browser download).
command -v chromium >/dev/null 2>&1 || need+=(chromium)
# The outbound-URL guard's tests make a self-signed certificate with the openssl CLI.
command -v openssl >/dev/null 2>&1 || need+=(openssl)
if [ ${#need[@]} -gt 0 ]; then
  log "installing: ${need[*]}"
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo -n"; fi
  $SUDO apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null \
    || { log "apt-get install failed: install ${need[*]} by hand (needs root or sudo)"; exit 1; }
fi

# The machine's services: start any that has stopped (commands from the node-svc machine page).
up() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
if ! up 5432; then log "starting PostgreSQL"; pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true; fi
if ! up 4222; then
  log "starting NATS"
  mkdir -p /var/lib/nats-server
  start-stop-daemon --start --oknodo --background --exec /usr/sbin/nats-server -- -a 127.0.0.1 -p 4222 -js -sd /var/lib/nats-server -l /var/log/nats-server.log || true
fi
if ! up 6379; then
  log "starting Redis"
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log || true
fi
for port in 5432 4222 6379; do
  for _ in $(seq 1 50); do up $port && break; sleep 0.2; done
  up $port || log "warning: nothing listens on 127.0.0.1:$port"
done

