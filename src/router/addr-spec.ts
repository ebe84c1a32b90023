// Is this one mailbox we may send an automatic answer to? RFC 5322 addr-spec, narrowed to what
// real clients use: a dot-atom local part (RFC 6532 UTF-8 allowed) and a host name of at least
// two labels. Quoted local parts ("a b"@x) and address literals (a@[192.0.2.1]) are legal but
// never seen from clients and easy to abuse, so they get no answer (their ticket is still made).

const ATEXT = /^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~\u0080-\uFFFF]+$/;
const LABEL = /^(?!-)[A-Za-z0-9\-\u0080-\uFFFF]{1,63}(?<!-)$/;

export function isMailbox(address: string): boolean {
  if (address.length > 254) return false;
  const at = address.lastIndexOf('@');
  if (at <= 0) return false;
  const local = address.slice(0, at);
  const domain = address.slice(at + 1);
  if (local.length > 64 || !local.split('.').every((atom) => ATEXT.test(atom))) return false;
  const labels = domain.split('.');
  return labels.length >= 2 && labels.every((l) => LABEL.test(l));
}
