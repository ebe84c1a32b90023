// Retry or give up? Pure, so the table of SMTP answers is tested on its own.
//
// An SMTP reply decides when there is one: 5xx is permanent (the server will say the same
// again), except 503 "bad sequence", which is a protocol hiccup on our side of the
// conversation; 4xx is temporary by definition. Without a reply the failure is about the
// connection (refused, reset, timeout, DNS, TLS, auth) and says nothing about the mail, so
// it is temporary: the mail waits for the server or for the operator to fix the config.
// An address nodemailer cannot even put in an envelope will never work: permanent.

interface MailError {
  responseCode?: unknown;
  code?: unknown;
}

export function isPermanent(err: unknown): boolean {
  const e = (err ?? {}) as MailError;
  if (typeof e.responseCode === 'number') {
    if (e.code === 'EAUTH') return false; // wrong credentials: fix the config, keep the mail
    if (e.code === 'ETLS') return false; // no TLS (e.g. STARTTLS refused): fix the server or config, keep the mail
    if (e.responseCode === 503) return false;
    return e.responseCode >= 500 && e.responseCode < 600;
  }
  // EENVELOPE without a server reply: no valid recipient address at all.
  return e.code === 'EENVELOPE';
}

/** What to store as the reason: the server's own words when it answered. */
export function failureText(err: unknown): string {
  const e = (err ?? {}) as { response?: unknown; message?: unknown; code?: unknown };
  if (typeof e.response === 'string' && e.response) return e.response;
  const message = typeof e.message === 'string' ? e.message : String(err);
  return typeof e.code === 'string' && !message.includes(e.code) ? `${e.code}: ${message}` : message;
}
