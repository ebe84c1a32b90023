#!/usr/bin/env bash
# npm run demo [-- --keep]: a private Dovecot mailbox with the sample emails from
# fixtures/emails, one daemon pass over it, then the tickets and the journal it made.
# npm run demo -- stop: stop the Dovecot a `--keep` run left running.
#
# The config, database and data live under .demo/ (removed and rebuilt on every run).
# Dovecot's own files live in a fresh /tmp/tkd-XXXXXX, not in the checkout: as root its mail
# processes run as nobody, who cannot enter a clone under root's 0700 home. .demo/dovecot-dir
# names that directory so a later run (or `stop`) finds the instance.
set -euo pipefail
cd "$(dirname "$0")/.."

keep=0
[ "${1:-}" = "--keep" ] && keep=1
demo=.demo
record=$demo/dovecot-dir

# Stop the Dovecot a previous run recorded and remove its directory. Only a directory the
# script made (/tmp/tkd-*, with our dovecot.conf) is removed, whatever the record says.
stop_recorded() {
  [ -s "$record" ] || return 0
  local dir; dir=$(cat "$record")
  bash scripts/dovecot.sh stop "$dir"
  case "$dir" in /tmp/tkd-*) [ -f "$dir/dovecot.conf" ] && rm -rf "$dir" ;; esac
  rm -f "$record"
}

if [ "${1:-}" = "stop" ]; then
  stop_recorded
  exit 0
fi
example=${DEMO_EXAMPLE_CONFIG:-config/ticketd.example.yaml}
fixtures=${DEMO_FIXTURES:-fixtures/emails}
ticketd() { node dist/src/cli/main.js "$@"; }

# Build when dist/ is missing or older than a source file.
if [ ! -f dist/src/cli/main.js ] || [ -n "$(find src scripts -name '*.ts' -newer dist/src/cli/main.js | head -1)" ]; then
  echo "== building"
  npm run --silent build
fi

# A previous demo's Dovecot (run with --keep) must not hold on to the old folder.
stop_recorded
# (Demos before Dovecot moved out of the checkout kept it in .demo/dovecot.)
if [ -d "$demo/dovecot" ]; then bash scripts/dovecot.sh stop "$demo/dovecot"; fi
rm -rf "$demo"
mkdir -p "$demo"

eval "$(bash scripts/dovecot.sh start)"
echo "$DIR" >"$record"
echo "== started a private Dovecot under $DIR"
if [ "$keep" = 0 ]; then
  trap stop_recorded EXIT
fi
export TICKETD_DEMO_IMAP_PASSWORD=$PASSWORD
# Warnings would be noise here (e.g. "no STARTTLS" on the loopback Dovecot).
export TICKETD_LOG_LEVEL=${TICKETD_LOG_LEVEL:-error}

echo "== putting the sample emails from $fixtures into support's INBOX (IMAP port $IMAP_PORT)"
node dist/scripts/load-mail.js --port "$IMAP_PORT" --user support --password "$PASSWORD" "$fixtures"

node dist/scripts/demo-config.js --example "$example" --port "$IMAP_PORT" --user support --out "$demo/ticketd.yaml"
ticketd check-config -c "$demo/ticketd.yaml"

echo "== ticketd run --once"
ticketd run --once -c "$demo/ticketd.yaml"

echo
echo "== ticketd list"
ticketd list -c "$demo/ticketd.yaml"
echo
echo "== ticketd journal"
ticketd journal --limit 50 -c "$demo/ticketd.yaml"

first=$(ticketd list --json -c "$demo/ticketd.yaml" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const t=JSON.parse(s);console.log(t.length?t[0].key:"KEY")})')
echo
echo "Explore (the database stays in $demo; its config reads the IMAP password from the environment):"
echo "  export TICKETD_DEMO_IMAP_PASSWORD=$PASSWORD"
echo "  node dist/src/cli/main.js show $first -c $demo/ticketd.yaml"
echo "  node dist/src/cli/main.js journal --outcome ignored -c $demo/ticketd.yaml"
echo "  node dist/src/cli/main.js explain $fixtures/<file>.eml -c $demo/ticketd.yaml"
if [ "$keep" = 1 ]; then
  echo "Dovecot is still running (IMAP 127.0.0.1:$IMAP_PORT, user support, password $PASSWORD);"
  echo "  stop it with: npm run demo -- stop"
fi
