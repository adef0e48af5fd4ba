// HTML built with a tagged template that escapes every interpolated value, so data (subject ids,
// reasons, paths) can never become markup. Trusted fragments (other `html` results, inline SVG
// made by Seahorse) pass through as they are.

/** A fragment of HTML that is already safe: made by {@link html} or marked with {@link trustedHtml}. */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** Marks markup Seahorse made itself (e.g. an SVG plot) as safe to insert unescaped. */
export function trustedHtml(markup: string): SafeHtml {
  return new SafeHtml(markup);
}

function render(value: unknown): string {
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(render).join('');
  if (value === undefined || value === null || value === false) return '';
  return escapeHtml(String(value));
}

/**
 * The tagged template: `html\`<td>${subject}</td>\`` escapes `subject`; arrays are joined; `SafeHtml`
 * values (nested `html` results) are inserted as they are; `undefined`, `null` and `false` are empty.
 * @example
 * ```ts
 * html`<p>${'<b>'}</p>`.value; // "<p>&lt;b&gt;</p>"
 * ```
 */
export function html(strings: TemplateStringsArray, ...values: unknown[]): SafeHtml {
  let out = strings[0]!;
  values.forEach((v, i) => { out += render(v) + strings[i + 1]!; });
  return new SafeHtml(out);
}
