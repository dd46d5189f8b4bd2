// Which files the service takes, judged by their content (file-type reads the first bytes), never by
// their name; and a name made safe to store and to offer back in a Content-Disposition header.
/** The types taken, with the words a person reads. */
export const ACCEPTED_TYPES: Record<string, string> = {
  'application/pdf': 'PDF',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'Word document',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'Excel spreadsheet',
  'application/vnd.oasis.opendocument.text': 'OpenDocument text',
  'application/vnd.oasis.opendocument.spreadsheet': 'OpenDocument spreadsheet',
  'image/png': 'PNG image',
  'image/jpeg': 'JPEG image',
  'text/plain': 'Text file',
  'text/csv': 'CSV file',
};
export const ACCEPTED_IN_WORDS = 'a PDF, Word, Excel, OpenDocument, PNG, JPEG, CSV or text file';

/** Bytes enough to know a file's type by its content. */
export const HEAD_BYTES = 4100;

const isControl = (c: string) => {
  const code = c.codePointAt(0)!;
  return code < 0x20 || code === 0x7f;
};

/** Text with no control characters but tabs and line ends, as UTF-8: a text or CSV file. */
function looksLikeText(head: Buffer): boolean {
  const text = head.toString('utf8');
  // A multi-byte character cut at the end of the head is not a fault of the file.
  const body = text.replace(/\uFFFD{1,3}$/, '');
  return !body.includes('\uFFFD') && ![...body].some((c) => isControl(c) && !'\t\n\r'.includes(c));
}

/** The file's type by its first bytes, when it is one the service takes; undefined otherwise. */
export async function acceptedType(head: Buffer, name: string): Promise<string | undefined> {
  // Loaded with the first upload, not at start: the app at rest stays small.
  const { fileTypeFromBuffer } = await import('file-type');
  const found = await fileTypeFromBuffer(head);
  if (found) return ACCEPTED_TYPES[found.mime] ? found.mime : undefined;
  if (!looksLikeText(head)) return undefined;
  return /\.csv$/i.test(name) ? 'text/csv' : 'text/plain';
}

/**
 * A name safe to keep and to give back: no folders, no control characters or characters that break
 * headers and file systems, not hidden, at most 150 characters keeping its extension; "file" if
 * nothing is left.
 */
export function sanitisedName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  const cleaned = base
    .normalize('NFC')
    .split('')
    .filter((c) => !isControl(c) && !'"*:<>?|;'.includes(c))
    .join('')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^\.+/, '');
  if (!cleaned) return 'file';
  if (cleaned.length <= 150) return cleaned;
  const dot = cleaned.lastIndexOf('.');
  const extension = dot > 0 && cleaned.length - dot <= 10 ? cleaned.slice(dot) : '';
  return cleaned.slice(0, 150 - extension.length) + extension;
}
