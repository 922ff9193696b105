/**
 * A self-contained HTML page for any tasksim report (simulation, compare, conformance): inline CSS,
 * inline SVG, no script, no network, no web fonts. Content is built from small blocks (tables, stat
 * tiles, chart cards, badges). Strings are escaped unless wrapped as SafeHtml, so a queue or task name
 * can never inject markup.
 */
import { escapeXml } from './svg.js';

/** Markup that is already safe to insert. Only this module and svg.ts output should become SafeHtml. */
export interface SafeHtml {
  readonly __html: string;
}

export type Content = SafeHtml | string | number | null | undefined | readonly Content[];

export function escapeHtml(text: string): string {
  return escapeXml(text);
}

/** Marks trusted markup (e.g. an SVG chart from svg.ts) as safe to insert as is. */
export function raw(markup: string): SafeHtml {
  return { __html: markup };
}

function isSafe(c: unknown): c is SafeHtml {
  return typeof c === 'object' && c !== null && '__html' in c;
}

/** Renders content: strings and numbers escaped, SafeHtml as is, arrays concatenated. */
export function toHtml(c: Content): string {
  if (c === null || c === undefined) return '';
  if (typeof c === 'string') return escapeHtml(c);
  if (typeof c === 'number') return escapeHtml(String(c));
  if (isSafe(c)) return c.__html;
  return (c as readonly Content[]).map(toHtml).join('');
}

/** Tagged template: interpolated values are escaped unless they are SafeHtml. */
export function html(strings: TemplateStringsArray, ...values: Content[]): SafeHtml {
  let out = strings[0];
  values.forEach((v, i) => (out += toHtml(v) + strings[i + 1]));
  return raw(out);
}

export type Tone = 'pass' | 'fail' | 'skip' | 'warn' | 'info' | 'neutral';

export function badge(text: string, tone: Tone = 'neutral'): SafeHtml {
  return html`<span class="badge badge-${tone}">${text}</span>`;
}

export interface Column {
  label: string;
  align?: 'left' | 'right' | 'center';
  /** Tooltip on the header. */
  title?: string;
}

export interface TableOptions {
  columns: readonly (Column | string)[];
  rows: readonly (readonly Content[])[];
  caption?: string;
  /** Extra class, e.g. `compact`. */
  className?: string;
  /** Rows to emphasise (e.g. totals, failures): index → class. */
  rowClass?: (index: number) => string | undefined;
}

export function table(opts: TableOptions): SafeHtml {
  const cols = opts.columns.map((c) => (typeof c === 'string' ? { label: c } : c));
  const alignOf = (i: number): string =>
    cols[i]?.align && cols[i].align !== 'left' ? ` class="${cols[i].align}"` : '';
  const head = cols
    .map(
      (c, i) =>
        `<th scope="col"${alignOf(i)}${c.title ? ` title="${escapeHtml(c.title)}"` : ''}>${escapeHtml(c.label)}</th>`,
    )
    .join('');
  const body = opts.rows
    .map((row, r) => {
      const cls = opts.rowClass?.(r);
      return `<tr${cls ? ` class="${escapeHtml(cls)}"` : ''}>${row.map((cell, i) => `<td${alignOf(i)}>${toHtml(cell)}</td>`).join('')}</tr>`;
    })
    .join('\n');
  const caption = opts.caption ? `<caption>${escapeHtml(opts.caption)}</caption>` : '';
  const cls = ['data', opts.className].filter(Boolean).join(' ');
  return raw(
    `<div class="table-wrap"><table class="${escapeHtml(cls)}">${caption}<thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table></div>`,
  );
}

export interface Stat {
  label: string;
  value: string;
  hint?: string;
  tone?: Tone;
}

/** A row of headline numbers. */
export function statTiles(stats: readonly Stat[]): SafeHtml {
  const tiles = stats.map(
    (s) =>
      html`<div class="stat stat-${s.tone ?? 'neutral'}"><div class="stat-label">${s.label}</div><div class="stat-value">${s.value}</div>${
        s.hint ? html`<div class="stat-hint">${s.hint}</div>` : ''
      }</div>`,
  );
  return html`<div class="stats">${tiles}</div>`;
}

/** A card around one chart; `svg` is markup from svg.ts, `caption` plain text under it. */
export function chartCard(svg: string, caption?: string): SafeHtml {
  return html`<figure class="card chart-card">${raw(svg)}${caption ? html`<figcaption>${caption}</figcaption>` : ''}</figure>`;
}

/** Cards laid out in a responsive grid (two columns on a laptop, one on narrow screens). */
export function grid(items: readonly Content[], wide = false): SafeHtml {
  return html`<div class="${wide ? 'grid grid-wide' : 'grid'}">${items}</div>`;
}

export function card(title: string | undefined, body: Content): SafeHtml {
  return html`<div class="card">${title ? html`<h3>${title}</h3>` : ''}${body}</div>`;
}

export function note(text: Content, tone: Tone = 'info'): SafeHtml {
  return html`<p class="note note-${tone}">${text}</p>`;
}

/** Collapsible detail without script. */
export function details(summary: string, body: Content): SafeHtml {
  return html`<details><summary>${summary}</summary>${body}</details>`;
}

export function code(text: string): SafeHtml {
  return html`<code>${text}</code>`;
}

export interface PageSection {
  title: string;
  /** Anchor for the contents bar; derived from the title if omitted. */
  id?: string;
  /** One line under the heading. */
  lead?: Content;
  body: Content;
}

export interface PageOptions {
  title: string;
  subtitle?: string;
  /** Key facts shown in the header (scenario, seed, trace hash…). */
  meta?: ReadonlyArray<readonly [string, Content]>;
  sections: readonly PageSection[];
  /** Footer text; defaults to naming tasksim. */
  footer?: Content;
}

function slug(text: string): string {
  return (
    text
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'section'
  );
}

/** Renders the whole page. Deterministic: no dates, no random ids. */
export function renderPage(opts: PageOptions): string {
  const used = new Map<string, number>();
  const ids = opts.sections.map((s) => {
    const base = s.id ?? slug(s.title);
    const k = used.get(base) ?? 0;
    used.set(base, k + 1);
    return k ? `${base}-${k + 1}` : base;
  });
  const nav =
    opts.sections.length > 1
      ? html`<nav class="toc" aria-label="Contents">${opts.sections.map((s, i) => html`<a href="#${ids[i]}">${s.title}</a>`)}</nav>`
      : '';
  const meta = opts.meta?.length
    ? html`<dl class="meta">${opts.meta.map(([k, v]) => html`<div><dt>${k}</dt><dd>${v}</dd></div>`)}</dl>`
    : '';
  const sections = opts.sections.map(
    (s, i) =>
      html`<section id="${ids[i]}"><h2>${s.title}</h2>${s.lead !== undefined ? html`<p class="lead">${s.lead}</p>` : ''}${s.body}</section>`,
  );
  const footer = opts.footer ?? 'Generated by tasksim. Times are virtual (simulated), not wall-clock.';
  const page = html`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${opts.title}</title>
<style>${raw(PAGE_CSS)}</style>
</head>
<body>
<header class="page-header"><div class="wrap">
<h1>${opts.title}</h1>${opts.subtitle ? html`<p class="subtitle">${opts.subtitle}</p>` : ''}${meta}
</div></header>
<main class="wrap">
${nav}
${sections}
</main>
<footer class="wrap page-footer">${footer}</footer>
</body>
</html>
`;
  return page.__html;
}

/** One stylesheet for every report: system fonts, light theme, cards, readable tables, print-friendly. */
const PAGE_CSS = `
:root{--ink:#0f172a;--muted:#475569;--line:#e2e8f0;--bg:#f1f5f9;--card:#fff;--accent:#2563eb;
--pass:#15803d;--pass-bg:#dcfce7;--fail:#b91c1c;--fail-bg:#fee2e2;--skip:#475569;--skip-bg:#e2e8f0;
--warn:#b45309;--warn-bg:#fef3c7;--info:#1d4ed8;--info-bg:#dbeafe}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;background:var(--bg);color:var(--ink);font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
.wrap{max-width:1320px;margin:0 auto;padding:0 24px}
.page-header{background:linear-gradient(135deg,#0f172a,#1e3a8a);color:#fff;padding:22px 0 18px}
.page-header h1{margin:0;font-size:24px;font-weight:650;letter-spacing:-.01em}
.subtitle{margin:4px 0 0;color:#cbd5e1}
.meta{display:flex;flex-wrap:wrap;gap:8px 28px;margin:14px 0 0}
.meta div{min-width:0}
.meta dt{font-size:11px;text-transform:uppercase;letter-spacing:.06em;color:#93c5fd}
.meta dd{margin:0;font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:13px;word-break:break-all}
.toc{display:flex;flex-wrap:wrap;gap:6px;margin:18px 0 4px}
.toc a{font-size:13px;color:var(--accent);background:#fff;border:1px solid var(--line);border-radius:999px;padding:3px 12px;text-decoration:none}
.toc a:hover{border-color:var(--accent)}
section{margin:26px 0 8px}
h2{font-size:18px;margin:0 0 4px;padding-bottom:6px;border-bottom:2px solid var(--line)}
h3{font-size:15px;margin:0 0 10px}
.lead{color:var(--muted);margin:6px 0 12px}
.card{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:14px 16px;box-shadow:0 1px 2px rgba(15,23,42,.05)}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(540px,1fr));gap:16px;margin:14px 0}
.grid-wide{grid-template-columns:1fr}
figure.chart-card{margin:0;padding:8px 10px 10px}
figure.chart-card svg{display:block;width:100%;height:auto}
figcaption{color:var(--muted);font-size:12.5px;margin:4px 6px 0}
.stats{display:grid;grid-template-columns:repeat(auto-fill,minmax(150px,1fr));gap:10px;margin:12px 0}
.stat{background:var(--card);border:1px solid var(--line);border-left:4px solid var(--accent);border-radius:8px;padding:8px 12px}
.stat-pass{border-left-color:var(--pass)}.stat-fail{border-left-color:var(--fail)}.stat-warn{border-left-color:#f59e0b}.stat-neutral{border-left-color:#94a3b8}
.stat-label{font-size:11.5px;color:var(--muted);text-transform:uppercase;letter-spacing:.05em}
.stat-value{font-size:20px;font-weight:650;font-variant-numeric:tabular-nums}
.stat-hint{font-size:12px;color:var(--muted)}
.table-wrap{overflow-x:auto;background:var(--card);border:1px solid var(--line);border-radius:10px;margin:12px 0}
table.data{border-collapse:collapse;width:100%;font-variant-numeric:tabular-nums}
table.data caption{text-align:left;padding:10px 12px 0;font-weight:600}
table.data th,table.data td{padding:7px 12px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
table.data th{background:#f8fafc;font-size:11.5px;text-transform:uppercase;letter-spacing:.03em;color:var(--muted);white-space:nowrap}
table.data tbody tr:nth-child(even){background:#fafcff}
table.data tbody tr:last-child td{border-bottom:0}
table.data tr.total td{font-weight:650;background:#f1f5f9}
table.data tr.bad td{background:#fff5f5}
table.data .sub{font-size:12px;color:var(--muted);white-space:nowrap}
table.data td:first-child{white-space:nowrap}
table.data .right{text-align:right}table.data .center{text-align:center}
table.compact th,table.compact td{padding:4px 10px}
.badge{display:inline-block;font-size:11.5px;font-weight:650;border-radius:999px;padding:1px 9px;text-transform:uppercase;letter-spacing:.04em}
.badge-pass{color:var(--pass);background:var(--pass-bg)}.badge-fail{color:var(--fail);background:var(--fail-bg)}
.badge-skip,.badge-neutral{color:var(--skip);background:var(--skip-bg)}.badge-warn{color:var(--warn);background:var(--warn-bg)}
.badge-info{color:var(--info);background:var(--info-bg)}
.note{border-radius:8px;padding:8px 12px;margin:10px 0}
.note-info{background:var(--info-bg);color:#1e3a8a}.note-warn{background:var(--warn-bg);color:#78350f}
.note-fail{background:var(--fail-bg);color:#7f1d1d}.note-pass{background:var(--pass-bg);color:#14532d}
code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12.5px;background:#f1f5f9;border-radius:4px;padding:0 4px}
details{margin:4px 0}summary{cursor:pointer;color:var(--accent)}
details pre{white-space:pre-wrap;word-break:break-word;font-size:12px;background:#f8fafc;border:1px solid var(--line);border-radius:6px;padding:8px;margin:6px 0 0}
.page-footer{color:var(--muted);font-size:12.5px;padding-top:18px;padding-bottom:28px}
@media (max-width:640px){.grid{grid-template-columns:1fr}.wrap{padding:0 12px}}
@media print{body{background:#fff}.toc{display:none}.card,.table-wrap{box-shadow:none;break-inside:avoid}}
`;
