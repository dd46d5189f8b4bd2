// CSV for reports and open data: RFC 4180 (CRLF line ends, a field quoted when it holds a comma, a
// quote or a line break, quotes doubled), and safe to open in a spreadsheet: text that a spreadsheet
// would run as a formula (starting = + - @, tab or carriage return) is prefixed with a single quote.

/** One cell: text, a number (written as it is), or nothing (an empty cell). */
export type CsvCell = string | number | bigint | null | undefined;

const FORMULA_START = /^[=+\-@\t\r]/;

/** A cell as CSV text: neutralised if a spreadsheet would read it as a formula, then quoted if needed. */
export function csvField(cell: CsvCell): string {
  if (cell === null || cell === undefined) return '';
  // Numbers are data, not formulas: -12.5 stays a number. Only text is neutralised.
  const text = typeof cell === 'string' ? (FORMULA_START.test(cell) ? `'${cell}` : cell) : String(cell);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** Rows as CSV records, each ending in CRLF: a document built a part at a time. */
export function csvRecords(rows: readonly (readonly CsvCell[])[]): string {
  return rows.map((row) => `${row.map(csvField).join(',')}\r\n`).join('');
}

/** A header row and data rows as one CSV document, each record ending in CRLF. */
export function toCsv(header: readonly string[], rows: readonly (readonly CsvCell[])[]): string {
  return csvRecords([header, ...rows]);
}
