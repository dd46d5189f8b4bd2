// A letter as a PDF (the offer letter a provider keeps): A4, the Commissioner's office at its head,
// whom it is to, the date and the case's reference, then the letter's words around its terms. pdfkit
// with its standard Helvetica, so nothing is read from disk and the £ sign and curly quotes print.

export interface LetterDocument {
  title: string;
  reference: string;
  caseTitle: string | null;
  to: string;
  /** The date it is given, in words. */
  date: string;
  opening: string;
  terms: readonly { label: string; lines: readonly string[] }[];
  closing?: string | undefined;
  /** Who agreed it and when, once it is agreed. */
  agreed?: string | undefined;
}

export const FROM = 'Office of the Police and Crime Commissioner';

/** The letter as PDF bytes; `compress: false` leaves its text readable in the bytes (for tests). */
export async function letterPdf(
  letter: LetterDocument,
  options: { compress?: boolean } = {},
): Promise<Buffer> {
  // Loaded when the first letter is drawn: pdfkit and its fonts are a sixth of the app's memory at rest.
  const { default: PDFDocument } = await import('pdfkit');
  const doc = new PDFDocument({
    size: 'A4',
    margin: 56,
    compress: options.compress ?? true,
    info: { Title: `${letter.title}: ${letter.reference}`, Author: FROM },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  doc.font('Helvetica-Bold').fontSize(12).text(FROM);
  doc.moveDown();
  doc.font('Helvetica').fontSize(10);
  doc.text(`To: ${letter.to}`);
  doc.text(`Date: ${letter.date}`);
  doc.text(`Reference: ${letter.reference}${letter.caseTitle ? `: ${letter.caseTitle}` : ''}`);
  doc.moveDown(1.5);
  doc.font('Helvetica-Bold').fontSize(18).text(letter.title);
  doc.moveDown();
  doc.font('Helvetica').fontSize(11).text(letter.opening);
  doc.moveDown();
  for (const term of letter.terms) {
    doc.font('Helvetica-Bold').fontSize(11).text(term.label);
    doc.font('Helvetica').fontSize(11);
    for (const line of term.lines) doc.text(line);
    doc.moveDown(0.5);
  }
  if (letter.closing) {
    doc.moveDown(0.5);
    doc.text(letter.closing);
  }
  if (letter.agreed) {
    doc.moveDown();
    doc.font('Helvetica-Bold').text(letter.agreed);
  }
  doc.end();
  return done;
}
