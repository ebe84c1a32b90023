// Attachment names come from the sender: they may hold paths ("../../etc/passwd", "C:\x"),
// NUL or control characters, or be absurdly long. Ingest stores blobs by hash, but the name is
// still shown and used on export, so it is reduced to one harmless path segment here.

const MAX_NAME_LENGTH = 120;

export function safeFilename(name: string | undefined, index: number): string {
  const fallback = `attachment-${index + 1}`;
  if (!name) return fallback;
  // Keep only the last path segment, whichever separator the sender's system used.
  let base = name.split(/[/\\]/).pop() ?? '';
  base = base
    .normalize('NFC')
    .replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069]/g, '') // control, zero-width, bidi overrides
    .replace(/[<>:"|?*]/g, '_') // reserved on Windows
    .trim()
    .replace(/^\.+/, '') // no "..", no hidden dot-files
    .replace(/[. ]+$/, ''); // Windows drops trailing dots and spaces
  if (!base) return fallback;
  if (base.length > MAX_NAME_LENGTH) {
    // Keep the extension: it is what a reader (and a viewer) goes by.
    const dot = base.lastIndexOf('.');
    const ext = dot > 0 && base.length - dot <= 10 ? base.slice(dot) : '';
    base = base.slice(0, MAX_NAME_LENGTH - ext.length) + ext;
  }
  return base;
}
