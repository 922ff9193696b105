/**
 * A tiny well-formedness check for the markup the reports write, scanning characters (no regex
 * parsing of tags): tags balance, attributes are quoted, text and attribute values hold no raw `<`
 * and every `&` starts an entity. In `html` mode void elements need no closing tag and the text of
 * <style> is skipped. Returns the problems found (empty: well-formed).
 */

const VOID = new Set(['meta', 'br', 'img', 'input', 'link', 'hr', 'area', 'base', 'col', 'source', 'wbr']);
const RAW_TEXT = new Set(['style', 'script']);

const isNameChar = (c: string): boolean =>
  (c >= 'a' && c <= 'z') ||
  (c >= 'A' && c <= 'Z') ||
  (c >= '0' && c <= '9') ||
  c === '-' ||
  c === '_' ||
  c === ':' ||
  c === '.';
const isSpace = (c: string): boolean => c === ' ' || c === '\n' || c === '\t' || c === '\r';

/** Checks the entity at s[i] === '&'; returns its length or 0 if it is not one. */
function entityLength(s: string, i: number): number {
  let j = i + 1;
  if (s[j] === '#') {
    j++;
    const hex = s[j] === 'x' || s[j] === 'X';
    if (hex) j++;
    const start = j;
    while (j < s.length && ((s[j] >= '0' && s[j] <= '9') || (hex && /[a-fA-F]/.test(s[j])))) j++;
    return j > start && s[j] === ';' ? j + 1 - i : 0;
  }
  const start = j;
  while (j < s.length && ((s[j] >= 'a' && s[j] <= 'z') || (s[j] >= 'A' && s[j] <= 'Z'))) j++;
  return j > start && s[j] === ';' ? j + 1 - i : 0;
}

export function wellFormedProblems(markup: string, mode: 'xml' | 'html' = 'xml'): string[] {
  const problems: string[] = [];
  const stack: string[] = [];
  const s = markup;
  let i = 0;
  const at = (k: number): string => `at ${k} (…${s.slice(Math.max(0, k - 30), k + 30).replace(/\n/g, '\\n')}…)`;

  while (i < s.length && problems.length < 20) {
    const c = s[i];
    if (c === '&') {
      const len = entityLength(s, i);
      if (!len) problems.push(`bare & ${at(i)}`);
      i += Math.max(1, len);
      continue;
    }
    if (c !== '<') {
      i++;
      continue;
    }
    if (s.startsWith('<!--', i)) {
      const end = s.indexOf('-->', i + 4);
      if (end < 0) problems.push(`unclosed comment ${at(i)}`);
      i = end < 0 ? s.length : end + 3;
      continue;
    }
    if (s.startsWith('<!', i) || s.startsWith('<?', i)) {
      const end = s.indexOf('>', i);
      i = end < 0 ? s.length : end + 1;
      continue;
    }
    const closing = s[i + 1] === '/';
    let j = i + (closing ? 2 : 1);
    const nameStart = j;
    while (j < s.length && isNameChar(s[j])) j++;
    const name = s.slice(nameStart, j);
    if (!name) {
      problems.push(`raw < in text ${at(i)}`);
      i++;
      continue;
    }
    const key = mode === 'html' ? name.toLowerCase() : name;
    if (closing) {
      while (isSpace(s[j])) j++;
      if (s[j] !== '>') problems.push(`bad closing tag </${name} ${at(i)}`);
      const open = stack.pop();
      if (open !== key) problems.push(`</${name}> closes <${open ?? 'nothing'}> ${at(i)}`);
      i = j + 1;
      continue;
    }
    // Attributes.
    let selfClosing = false;
    for (;;) {
      while (isSpace(s[j])) j++;
      if (j >= s.length) {
        problems.push(`unterminated tag <${name} ${at(i)}`);
        break;
      }
      if (s[j] === '>') break;
      if (s[j] === '/' && s[j + 1] === '>') {
        selfClosing = true;
        j++;
        break;
      }
      const attrStart = j;
      while (j < s.length && !isSpace(s[j]) && s[j] !== '=' && s[j] !== '>' && s[j] !== '/') j++;
      if (j === attrStart) {
        problems.push(`bad attribute in <${name} ${at(j)}`);
        j++;
        continue;
      }
      while (isSpace(s[j])) j++;
      if (s[j] !== '=') {
        if (mode === 'xml') problems.push(`attribute without value in <${name} ${at(j)}`);
        continue;
      }
      j++;
      while (isSpace(s[j])) j++;
      const q = s[j];
      if (q !== '"' && q !== "'") {
        problems.push(`unquoted attribute in <${name} ${at(j)}`);
        continue;
      }
      const end = s.indexOf(q, j + 1);
      if (end < 0) {
        problems.push(`unterminated attribute in <${name} ${at(j)}`);
        break;
      }
      for (let k = j + 1; k < end; k++) {
        if (s[k] === '<') problems.push(`raw < in attribute of <${name} ${at(k)}`);
        if (s[k] === '&' && !entityLength(s, k)) problems.push(`bare & in attribute of <${name} ${at(k)}`);
      }
      j = end + 1;
    }
    i = j + 1;
    if (selfClosing || (mode === 'html' && VOID.has(key))) continue;
    if (mode === 'html' && RAW_TEXT.has(key)) {
      const end = s.indexOf(`</${name}`, i);
      if (end < 0) problems.push(`unclosed <${name}> ${at(i)}`);
      i = end < 0 ? s.length : end;
      stack.push(key);
      continue;
    }
    stack.push(key);
  }
  if (stack.length) problems.push(`unclosed: ${stack.join(' > ')}`);
  return problems;
}
