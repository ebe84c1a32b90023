#!/usr/bin/env bash
# npm run demo: a private Dovecot with mailboxes for support, two clients and the staff, a demo
# mail relay (SMTP in, Dovecot LMTP out) that ticketd sends through, and the walk-through of
# scripts/demo-story.ts: client mail → tickets → acknowledgement → assignment notice → the
# agent's reply by mail → the answer → the lead closes → closed notice → today, daily list, sweep.
# Dovecot and the relay keep running afterwards, to keep playing (`source .demo/env`).
# npm run demo -- stop: stop them and remove their files.
#
# The config, database and data live under .demo/ (removed and rebuilt on every run).
# Dovecot's own files live in a fresh /tmp/tkd-XXXXXX, not in the checkout: as root its mail
# processes run as nobody, who cannot enter a clone under root's 0700 home. .demo/dovecot-dir
# names that directory so a later run (or `stop`) finds the instance.
set -euo pipefail
cd "$(dirname "$0")/.."

demo=.demo
record=$demo/dovecot-dir

# Stop the relay and the Dovecot a previous run recorded and remove their directory. Only a
# directory the script made (/tmp/tkd-*, with our dovecot.conf) is removed, whatever the
# record says; only a pid whose command line is the demo relay is signalled.
stop_recorded() {
  [ -s "$record" ] || return 0
  local dir pid; dir=$(cat "$record")
  if [ -s "$dir/relay.pid" ]; then
    pid=$(cat "$dir/relay.pid")
    if tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q 'demo-relay.js serve'; then kill -TERM "$pid" 2>/dev/null || true; fi
  fi
  bash scripts/dovecot.sh stop "$dir"
  case "$dir" in /tmp/tkd-*) [ -f "$dir/dovecot.conf" ] && rm -rf "$dir" ;; esac
  rm -f "$record" "$demo/env"
}

case "${1:-}" in
  stop)
    stop_recorded
    echo "demo stopped (its database and config stay in $demo/ until the next run)"
    exit 0
    ;;
  "" | --keep) ;; # --keep: what every run does now (kept for old instructions)
  *) echo "usage: npm run demo [-- stop]" >&2; exit 2 ;;
esac
example=${DEMO_EXAMPLE_CONFIG:-config/ticketd.example.yaml}
ticketd() { node dist/src/cli/main.js "$@"; }
started=$(date +%s)

# Build when dist/ is missing or older than a source file.
if [ ! -f dist/src/cli/main.js ] || [ ! -f dist/scripts/demo-story.js ] ||
  [ -n "$(find src scripts -name '*.ts' -newer dist/src/cli/main.js | head -1)" ]; then
  echo "== building"
  npm run --silent build
fi

# A previous demo's Dovecot and relay must not hold on to the old folder.
stop_recorded
# (Demos before Dovecot moved out of the checkout kept it in .demo/dovecot.)
if [ -d "$demo/dovecot" ]; then bash scripts/dovecot.sh stop "$demo/dovecot"; fi
rm -rf "$demo"
mkdir -p "$demo"

eval "$(bash scripts/dovecot.sh start)"
echo "$DIR" >"$record"
# Until the story has run through, a failure stops what this run started.
trap stop_recorded EXIT
eval "$(node dist/scripts/demo-relay.js start --lmtp-port "$LMTP_PORT" --log "$DIR/relay.log")"
echo "$RELAY_PID" >"$DIR/relay.pid"
echo "== started a private Dovecot (IMAP 127.0.0.1:$IMAP_PORT) and the demo mail relay (SMTP 127.0.0.1:$RELAY_PORT → Dovecot LMTP)"

export TICKETD_DEMO_IMAP_PASSWORD=$PASSWORD
# Warnings would be noise here (e.g. no mail_auth on the demo's loopback server).
export TICKETD_LOG_LEVEL=${TICKETD_LOG_LEVEL:-error}

node dist/scripts/demo-config.js --example "$example" --port "$IMAP_PORT" --smtp-port "$RELAY_PORT" --user support --out "$demo/ticketd.yaml"
ticketd check-config -c "$demo/ticketd.yaml" >/dev/null 2>&1 || ticketd check-config -c "$demo/ticketd.yaml"

# What `source .demo/env` gives: the config, the ports, and the two commands as functions.
here=$(pwd)
timezone=$(node -e 'console.log(require("yaml").parse(require("fs").readFileSync(process.argv[1],"utf8")).timezone||"UTC")' "$demo/ticketd.yaml")
{
  echo "# Written by npm run demo. \`source .demo/env\` (bash, zsh) to keep playing; \`npm run demo -- stop\` ends it."
  echo "export TICKETD_CONFIG=$(printf %q "$here/$demo/ticketd.yaml")"
  echo "export TICKETD_DEMO_IMAP_PASSWORD=$PASSWORD"
  echo "export TICKETD_LOG_LEVEL=error # the demo's loopback server has no STARTTLS: a warning on every connect"
  echo "export DEMO_IMAP_PORT=$IMAP_PORT DEMO_SMTP_PORT=$RELAY_PORT DEMO_PASSWORD=$PASSWORD DEMO_TIMEZONE=$timezone"
  echo "ticketd() { node $(printf %q "$here/dist/src/cli/main.js") \"\$@\"; }"
  echo "demo-mail() { node $(printf %q "$here/dist/scripts/demo-mail.js") \"\$@\"; }"
} >"$demo/env"

DEMO_PASSWORD=$PASSWORD node dist/scripts/demo-story.js --config "$demo/ticketd.yaml" --imap-port "$IMAP_PORT" --smtp-port "$RELAY_PORT"
trap - EXIT

cat <<EOF

== Keep playing ($(($(date +%s) - started)) s so far). Dovecot and the relay are still running:
  source $demo/env                  # TICKETD_CONFIG, the ports, and the ticketd and demo-mail commands
  ticketd list --status all         # every ticket; ticketd show KEY, ticketd journal, ticketd outbox --all
  ticketd outbox show ID            # any mail as it was sent (--html FILE writes its HTML part)
  demo-mail send --from anna.kim@smilebright-dental.example --to support@example.com \\
    --subject 'Logo on our website is blurry' --text 'Could you put the sharp one back?'
  ticketd run --once                # or \`ticketd run\`: the daemon, with the scheduler (Ctrl-C stops it)
  demo-mail show joe                # any mailbox: support, maria, anna.kim, olivia, joe, priya, renee, ...
  demo-mail reply joe --text '#tbc\n\nDone: the sharp logo is back.'
                                    # Joe answers his latest mail (the notice) as his mail client would
  ticketd run --once; demo-mail show anna.kim
  ticketd close KEY --as priya      # the lead closes; ticketd send-back KEY --as priya --reason ... sends back
  node dist/scripts/load-mail.js --port \$DEMO_IMAP_PORT --user support --password ticketd fixtures/emails
                                    # the sample mails (bounces, auto-replies, ...); then ticketd run --once; ticketd journal
Any mail client works too: IMAP 127.0.0.1:$IMAP_PORT and SMTP 127.0.0.1:$RELAY_PORT, user = the address's local part, password $PASSWORD.
Stop it all with: npm run demo -- stop
EOF
