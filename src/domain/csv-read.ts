// Reads CSV as RFC 4180 writes it (quoted fields, doubled quotes, CRLF or LF line ends), keeping each
// record's line number so problems can be reported against the line a person sees in a spreadsheet.

export interface CsvRecord {
  /** The line the record starts on, counting the header as line 1. */
  line: number;
  fields: string[];
}

export class CsvSyntaxError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(message);
  }
}

export function readCsv(text: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text; // a spreadsheet's byte-order mark
  let fields: string[] = [];
  let field = '';
  let line = 1;
  let startLine = 1;
  let quoted = false;
  let wasQuoted = false;
  const endField = () => {
    fields.push(field);
    field = '';
    wasQuoted = false;
  };
  const endRecord = () => {
    endField();
    // Blank lines (a trailing newline, a gap) are not records.
    if (fields.length > 1 || fields[0] !== '') records.push({ line: startLine, fields });
    fields = [];
  };
  for (let i = 0; i < body.length; i += 1) {
    const c = body[i]!;
    if (quoted) {
      if (c === '"' && body[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (c === '"') {
        quoted = false;
      } else {
        if (c === '\n') line += 1;
        field += c;
      }
      continue;
    }
    if (c === '"') {
      if (field !== '' || wasQuoted) throw new CsvSyntaxError(line, 'A quote can only start a field');
      quoted = true;
      wasQuoted = true;
    } else if (c === ',') {
      endField();
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && body[i + 1] === '\n') i += 1;
      endRecord();
      line += 1;
      startLine = line;
    } else {
      if (wasQuoted) throw new CsvSyntaxError(line, 'Nothing may follow a closing quote but a comma');
      field += c;
    }
  }
  if (quoted) throw new CsvSyntaxError(startLine, 'A quoted field is never closed');
  endRecord();
  return records;
}
