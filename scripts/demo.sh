#!/usr/bin/env bash
# npm run demo [-- --keep]: a private Dovecot mailbox with the sample emails from
# fixtures/emails, one daemon pass over it, then the tickets and the journal it made.
# Everything lives under .demo/ (removed and rebuilt on every run).
set -euo pipefail
cd "$(dirname "$0")/.."

keep=0
[ "${1:-}" = "--keep" ] && keep=1
demo=.demo
example=${DEMO_EXAMPLE_CONFIG:-config/ticketd.example.yaml}
fixtures=${DEMO_FIXTURES:-fixtures/emails}
ticketd() { node dist/src/cli/main.js "$@"; }

# Build when dist/ is missing or older than a source file.
if [ ! -f dist/src/cli/main.js ] || [ -n "$(find src scripts -name '*.ts' -newer dist/src/cli/main.js | head -1)" ]; then
  echo "== building"
  npm run --silent build
fi

# A previous demo's Dovecot (run with --keep) must not hold on to the old folder.
[ -d "$demo/dovecot" ] && bash scripts/dovecot.sh stop "$demo/dovecot"
rm -rf "$demo"
mkdir -p "$demo"

echo "== starting a private Dovecot under $demo/dovecot"
eval "$(bash scripts/dovecot.sh start "$demo/dovecot")"
if [ "$keep" = 0 ]; then
  trap 'bash scripts/dovecot.sh stop "$demo/dovecot"' EXIT
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
  echo "  stop it with: bash scripts/dovecot.sh stop $demo/dovecot"
fi
