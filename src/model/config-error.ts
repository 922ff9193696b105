import type { RuleId } from '../rules/index.js';

/** One problem found in a queue configuration (CFG-3: names the file, line, queue, field and rule). */
export interface ConfigIssue {
  file?: string;
  /** 1-based line in the file, when the source was YAML text. */
  line?: number;
  /** The queue's name as written, or `#N` (1-based position) when it has no usable name. */
  queue?: string;
  /** The field, dotted for nested ones: `retry_parameters.task_age_limit`. */
  field?: string;
  /** The SPEC rule broken, e.g. `CFG-1`, `RETRY-2`, `TASK-1`. */
  rule: RuleId;
  message: string;
}

/** `queue.yaml:12: queue "mail", field "rate": "5/x" does not match … (CFG-1)` */
export function formatIssue(i: ConfigIssue): string {
  const where =
    i.file !== undefined
      ? i.line !== undefined
        ? `${i.file}:${i.line}: `
        : `${i.file}: `
      : i.line !== undefined
        ? `line ${i.line}: `
        : '';
  const parts = [
    i.queue !== undefined ? `queue "${i.queue}"` : '',
    i.field !== undefined ? `field "${i.field}"` : '',
  ].filter(Boolean);
  const subject = parts.length > 0 ? `${parts.join(', ')}: ` : '';
  return `${where}${subject}${i.message} (${i.rule})`;
}

/** Invalid configuration is refused as a whole, with every problem listed (CFG-3). */
export class ConfigError extends Error {
  constructor(readonly issues: ConfigIssue[]) {
    super(issues.map(formatIssue).join('\n'));
    this.name = 'ConfigError';
  }
}
