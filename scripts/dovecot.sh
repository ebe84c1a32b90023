#!/usr/bin/env bash
# A private, throw-away Dovecot on 127.0.0.1 for tests, the demo and the bench.
#
#   scripts/dovecot.sh install        install dovecot-imapd/-lmtpd if missing (no system daemon)
#   scripts/dovecot.sh start [DIR]    start one under DIR on free ports; prints KEY=VALUE lines:
#                                     DIR, IMAP_PORT, LMTP_PORT, PID, PASSWORD. Without DIR, a
#                                     fresh /tmp/tkd-XXXXXX (the caller removes it after stop)
#   scripts/dovecot.sh stop DIR       stop the one under DIR (TERM to its master pid)
#   scripts/dovecot.sh restart DIR    start it again on the same ports, same mail
#
# Any user name logs in with the password "ticketd" (static passdb), so every test can use
# a mailbox of its own; LMTP delivers any address to the user named by its local part. Keep DIR short: UNIX socket paths are limited to ~107 bytes.
# As root, Dovecot's mail processes run as nobody and must be able to enter DIR: every
# directory above it must be searchable by others, so not a checkout under root's 0700 home.
set -euo pipefail

PASSWORD=ticketd

install_packages() {
  if command -v dovecot >/dev/null 2>&1 && [ -x /usr/lib/dovecot/imap ] && [ -x /usr/lib/dovecot/lmtp ]; then
    return 0
  fi
  if [ "$(id -u)" != 0 ]; then
    echo "dovecot is missing; run 'sudo $0 install' once" >&2
    exit 1
  fi
  # Keep apt from starting the system-wide Dovecot on 0.0.0.0:143.
  local policy=/usr/sbin/policy-rc.d had_policy=0
  [ -e "$policy" ] && had_policy=1
  if [ "$had_policy" = 0 ]; then printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy"; fi
  export DEBIAN_FRONTEND=noninteractive
  (apt-get install -y -q dovecot-imapd dovecot-lmtpd >/dev/null 2>&1) ||
    { apt-get update -q >/dev/null && apt-get install -y -q dovecot-imapd dovecot-lmtpd >/dev/null; }
  if [ "$had_policy" = 0 ]; then rm -f "$policy"; fi
}

free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

# As root: can the unprivileged mail user reach DIR? (APPEND fails with NO [SERVERBUG] if not.)
check_reachable() {
  local dir=$1 user=$2 group=$3
  setpriv --reuid="$user" --regid="$group" --clear-groups test -x "$dir/home" && return 0
  echo "scripts/dovecot.sh: Dovecot's mail processes run as $user and cannot enter $dir: a directory" >&2
  echo "  above it is not searchable by others (root's home is 0700). Start it under /tmp, or give no DIR." >&2
  exit 1
}

start() {
  local dir=${1:-}
  install_packages
  # The system temp dir, not $TMPDIR: it must be enterable by every uid and keep paths short.
  if [ -z "$dir" ]; then dir=$(mktemp -d /tmp/tkd-XXXXXX); fi
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  mkdir -p "$dir/run" "$dir/home"
  local mail_user uid gid
  if [ "$(id -u)" = 0 ]; then
    # Mail processes never run as root: drop to nobody, and let it enter the tree.
    mail_user=nobody
    chmod 0711 "$dir" "$dir/run"
    chown nobody:nogroup "$dir/home"
    check_reachable "$dir" nobody nogroup
  else
    mail_user=$(id -un)
  fi
  uid=$(id -u "$mail_user")
  gid=$(id -g "$mail_user")

  local attempt imap_port lmtp_port
  for attempt in 1 2 3 4 5; do
    imap_port=$(free_port)
    lmtp_port=$(free_port)
    write_config "$dir" "$imap_port" "$lmtp_port" "$uid" "$gid"
    rm -f "$dir/run/master.pid"
    if dovecot -c "$dir/dovecot.conf" 2>>"$dir/start.log" && wait_ready "$dir" "$imap_port"; then
      echo "DIR=$dir"
      echo "IMAP_PORT=$imap_port"
      echo "LMTP_PORT=$lmtp_port"
      echo "PID=$(cat "$dir/run/master.pid")"
      echo "PASSWORD=$PASSWORD"
      return 0
    fi
    stop "$dir" || true
  done
  echo "dovecot did not start; see $dir/dovecot.log and $dir/start.log" >&2
  exit 1
}

write_config() {
  local dir=$1 imap_port=$2 lmtp_port=$3 uid=$4 gid=$5 root_only=""
  if [ "$(id -u)" = 0 ]; then
    root_only="default_login_user = dovenull
default_internal_user = root"
  else
    local me; me=$(id -un)
    root_only="default_login_user = $me
default_internal_user = $me
service imap-login {
  chroot =
}
service anvil {
  chroot =
}"
  fi
  cat >"$dir/dovecot.conf" <<CONF
base_dir = $dir/run
state_dir = $dir/run/state
log_path = $dir/dovecot.log
instance_name = ticketd-$(basename "$dir")
listen = 127.0.0.1
protocols = imap lmtp
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_username_format = %Ln
# LMTP delivers support+anything@ to support, like a real server with plus addressing: the
# demo's signed reply addresses (support+t.TOKEN@) reach the support mailbox.
recipient_delimiter = +
mail_location = maildir:~/Maildir
mail_uid = $uid
mail_gid = $gid
first_valid_uid = $uid
last_valid_uid = $uid
first_valid_gid = $gid
last_valid_gid = $gid
$root_only
passdb {
  driver = static
  args = password=$PASSWORD
}
userdb {
  driver = static
  args = uid=$uid gid=$gid home=$dir/home/%n
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = $imap_port
  }
  inet_listener imaps {
    port = 0
  }
}
service lmtp {
  inet_listener lmtp {
    address = 127.0.0.1
    port = $lmtp_port
  }
}
protocol imap {
  mail_max_userip_connections = 100
}
namespace inbox {
  inbox = yes
  separator = /
}
CONF
}

wait_ready() {
  local dir=$1 port=$2 i
  for i in $(seq 1 100); do
    if [ -s "$dir/run/master.pid" ] && (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      return 0
    fi
    sleep 0.1
  done
  return 1
}

stop() {
  local dir=$1 pid i
  [ -s "$dir/run/master.pid" ] || return 0
  pid=$(cat "$dir/run/master.pid")
  kill -TERM "$pid" 2>/dev/null || return 0
  for i in $(seq 1 50); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
}

restart() {
  local dir=$1 imap_port lmtp_port
  stop "$dir"
  imap_port=$(awk '/inet_listener imap \{/{f=1} f&&/port =/{print $3; exit}' "$dir/dovecot.conf")
  lmtp_port=$(awk '/inet_listener lmtp \{/{f=1} f&&/port =/{print $3; exit}' "$dir/dovecot.conf")
  rm -f "$dir/run/master.pid"
  dovecot -c "$dir/dovecot.conf" 2>>"$dir/start.log"
  wait_ready "$dir" "$imap_port" || { echo "dovecot did not restart; see $dir/dovecot.log" >&2; exit 1; }
  echo "DIR=$dir"
  echo "IMAP_PORT=$imap_port"
  echo "LMTP_PORT=$lmtp_port"
  echo "PID=$(cat "$dir/run/master.pid")"
  echo "PASSWORD=$PASSWORD"
}

case "${1:-}" in
  install) install_packages ;;
  start) start "${2:-}" ;;
  stop) stop "${2:?usage: $0 stop DIR}" ;;
  restart) restart "${2:?usage: $0 restart DIR}" ;;
  *) echo "usage: $0 install | start [DIR] | stop DIR | restart DIR" >&2; exit 2 ;;
esac
