/** `--report-dir`: report.json, junit.xml, report.md and index.html side by side. */
import { writeFilesAtomic } from '../report/output-file.js';
import { toFullJson } from './report-json.js';
import { toJunit } from './report-junit.js';
import { toMarkdown } from './report-markdown.js';
import { toHtml } from './report-html.js';
import type { ConformanceReport } from './run.js';

export async function writeReports(r: ConformanceReport, dir: string): Promise<string[]> {
  const files: [string, string][] = [
    ['report.json', JSON.stringify(toFullJson(r), null, 2) + '\n'],
    ['junit.xml', toJunit(r)],
    ['report.md', toMarkdown(r)],
    ['index.html', toHtml(r)],
  ];
  return writeFilesAtomic(dir, files); // each file renamed into place once complete
}
