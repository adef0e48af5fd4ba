/** One parsed CSV record with the 1-based line number it starts on. */
export interface CsvRecord {
  readonly line: number;
  readonly fields: readonly string[];
}

/** Why a CSV text is malformed: an unterminated quoted field, or a stray quote. */
export class CsvSyntaxError extends Error {
  override readonly name = 'CsvSyntaxError';
  constructor(readonly line: number, message: string) {
    super(message);
  }
}

/**
 * Parses CSV text (RFC 4180: comma-separated, `"`-quoted fields with `""` escapes, CRLF or LF line
 * ends, newlines allowed inside quotes). Blank lines are skipped; a UTF-8 BOM is ignored. Fields are
 * not trimmed (as pandas' `read_csv`).
 * @throws CsvSyntaxError with the line of an unterminated or misplaced quote.
 * @example
 * parseCsv('a,b\n1,"x,y"\n'); // [{ line: 1, fields: ['a','b'] }, { line: 2, fields: ['1','x,y'] }]
 */
export function parseCsv(text: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  while (i < text.length) {
    const start = line;
    const fields: string[] = [];
    let field = '';
    let quoted = false;
    let atFieldStart = true;
    let done = false;
    while (!done) {
      if (i >= text.length) {
        if (quoted) throw new CsvSyntaxError(start, `line ${start}: a quoted field is never closed`);
        fields.push(field);
        done = true;
        break;
      }
      const c = text[i]!;
      if (quoted) {
        if (c === '"') {
          if (text[i + 1] === '"') { field += '"'; i += 2; continue; }
          quoted = false;
          i++;
          const next = text[i];
          if (next !== undefined && next !== ',' && next !== '\n' && next !== '\r') {
            throw new CsvSyntaxError(line, `line ${line}: unexpected ${JSON.stringify(next)} after a closing quote`);
          }
          continue;
        }
        if (c === '\n') line++;
        field += c;
        i++;
        continue;
      }
      if (c === '"' && atFieldStart) { quoted = true; atFieldStart = false; i++; continue; }
      if (c === '"') throw new CsvSyntaxError(line, `line ${line}: a quote inside an unquoted field`);
      if (c === ',') { fields.push(field); field = ''; atFieldStart = true; i++; continue; }
      if (c === '\r' || c === '\n') {
        fields.push(field);
        i += c === '\r' && text[i + 1] === '\n' ? 2 : 1;
        line++;
        done = true;
        break;
      }
      field += c;
      atFieldStart = false;
      i++;
    }
    if (!(fields.length === 1 && fields[0] === '')) records.push({ line: start, fields });
  }
  return records;
}
