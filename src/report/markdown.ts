/** Markdown pieces every report shares. */

/** Text fit for one table cell (or one line): pipes escaped, line breaks as spaces. */
export function mdCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}
