#!/usr/bin/env bash
# Tools the test suite needs beyond Dovecot (installed by dovecot.sh): strace, with which a
# test checks that every fsync comes before the server mark; systemd-analyze (package systemd),
# with which a test verifies deploy/ticketd.service. Installed when missing, never skipped: a
# test that cannot run must fail the suite, not vanish from it.
set -euo pipefail
missing=()
command -v strace >/dev/null 2>&1 || missing+=(strace)
command -v systemd-analyze >/dev/null 2>&1 || missing+=(systemd)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ]; then
  echo "${missing[*]} missing; run 'sudo $0' once (or apt-get install ${missing[*]})" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
(apt-get install -y -q "${missing[@]}" >/dev/null 2>&1) || { apt-get update -q >/dev/null && apt-get install -y -q "${missing[@]}" >/dev/null; }
