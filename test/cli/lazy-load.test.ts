/**
 * Each command loads the modules its path needs, no more: the suite starts the CLI
 * hundreds of times and users wait for every start. A module-load hook in the child records every
 * module the CLI loads; the assertions name the heavy packages (undici, gRPC, the YAML parser, the
 * HDR histogram) and the transports a path must not load, and a control proves the hook sees them.
 */
import { createServer, type Server } from 'node:net';
import { describe, expect, it } from 'vitest';
import { cliArgs, runBounded } from '../helpers/cli.js';

const MARK = 'tasksim-test-loaded ';
const HOOKS = `import { writeSync } from 'node:fs';
export async function load(url, context, next) {
  writeSync(2, ${JSON.stringify(MARK)} + url + '\\n');
  return next(url, context);
}`;
const dataUrl = (js: string): string => `data:text/javascript,${encodeURIComponent(js)}`;
const REGISTER = dataUrl(`import { register } from 'node:module'; register(${JSON.stringify(dataUrl(HOOKS))});`);

interface Loaded {
  code: number;
  /** Packages, by name (`@grpc/grpc-js`, `undici` …). */
  packages: Set<string>;
  /** The project's own modules, by path under dist/ (`src/adapters/http-json.js` …). */
  modules: Set<string>;
}

async function loadedBy(args: string[]): Promise<Loaded> {
  const { result } = runBounded(process.execPath, ['--import', REGISTER, ...cliArgs(), ...args], { timeoutMs: 60_000 });
  const r = await result;
  const urls = r.stderr
    .split('\n')
    .filter((l) => l.startsWith(MARK))
    .map((l) => l.slice(MARK.length));
  const packages = new Set(urls.flatMap((u) => /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(u)?.[1] ?? []));
  const modules = new Set(urls.flatMap((u) => /\/dist\/(src\/.+\.js)$/.exec(u)?.[1] ?? []));
  return { code: r.code, packages, modules };
}

/** One child, shared by the tests that read what it loaded (started by the first to ask). */
function shared(args: string[]): () => Promise<Loaded> {
  let run: Promise<Loaded> | undefined;
  return () => (run ??= loadedBy(args));
}
/** conform run against a URL nothing listens on: the suite starts, then finds the target unreachable. */
const conformRun = shared(['conform', 'http://127.0.0.1:9/']);

describe('what a command loads', () => {
  it('control: an http:// adapter loads the HTTP/JSON adapter and undici (the hook sees both)', async () => {
    const r = await loadedBy(['fuzz', '--adapter', 'http://127.0.0.1:9', '--runs', '1', '--seed', '1']);
    expect(r.code).toBe(3); // nothing listens on port 9: unreachable
    expect(r.modules).toContain('src/adapters/http-json.js');
    expect(r.packages).toContain('undici');
  });

  it('fuzz against the reference loads no transport, no YAML parser, no histogram', async () => {
    const r = await loadedBy(['fuzz', '--adapter', 'reference', '--runs', '1', '--seed', '1']);
    expect(r.code).toBe(0);
    expect(r.modules).toContain('src/adapters/reference.js');
    for (const m of ['src/adapters/http-json.js', 'src/adapters/cloud-tasks.js', 'src/cli/simulate.js'])
      expect(r.modules).not.toContain(m);
    for (const p of ['undici', '@grpc/proto-loader', 'yaml', 'hdr-histogram-js']) expect(r.packages).not.toContain(p);
    // The config draws use Cloud Tasks' queue defaults (CT-1), not the API's message codec.
    expect(r.modules).toContain('src/fuzz/config-arb.js');
    expect(r.modules).not.toContain('src/serve/queue-settings.js');
    expect(r.packages).not.toContain('@grpc/grpc-js');
  });

  it('a usage error of fuzz loads no adapter transport', async () => {
    const r = await loadedBy(['fuzz', '--no-such-option']);
    expect(r.code).toBe(2);
    expect(r.packages).not.toContain('undici');
    expect(r.modules).not.toContain('src/adapters/cloud-tasks.js');
  });

  it('simulate without --report-dir loads the YAML parser but no histogram', async () => {
    const r = await loadedBy(['simulate', 'scenarios/deadlines.yaml', '--no-det-check']); // a small run: what loads is the point
    expect(r.code).toBe(0);
    expect(r.packages).toContain('yaml');
    expect(r.packages).not.toContain('hdr-histogram-js');
  });

  it('a usage error of simulate loads no YAML parser', async () => {
    const r = await loadedBy(['simulate', '--no-such-option']);
    expect(r.code).toBe(2);
    expect(r.packages).not.toContain('yaml');
  });

  it('report merge loads neither the fuzzer nor gRPC', async () => {
    const r = await loadedBy(['report', 'merge', '--no-such-option']);
    expect(r.code).toBe(2);
    expect(r.modules).toContain('src/fuzz/merge.js');
    expect(r.modules).not.toContain('src/fuzz/campaign.js');
    for (const p of ['fast-check', '@grpc/grpc-js']) expect(r.packages).not.toContain(p);
  });

  it('conform against a URL loads the HTTP client but not the function target and its fake timers', async () => {
    const r = await conformRun();
    expect(r.code).toBe(3); // nothing listens on port 9: unreachable
    expect(r.packages).toContain('undici');
    expect(r.modules).not.toContain('src/targets/function-target.js');
    expect(r.packages).not.toContain('@sinonjs/fake-timers');
  });

  it('a usage error of conform (a bad flag, a missing URL) loads its option parsing, not the suite', async () => {
    const flag = await loadedBy(['conform', '--no-such-option']);
    const noUrl = await loadedBy(['conform']);
    expect([flag.code, noUrl.code]).toEqual([2, 2]);
    for (const r of [flag, noUrl]) {
      expect(r.modules).toContain('src/cli/conform.js');
      expect(r.modules).not.toContain('src/cli/conform-run.js');
      // Of the conformance suite only its defaults (printed in --help): no catalog, no case, no report.
      expect([...r.modules].filter((m) => m.startsWith('src/conform/'))).toEqual(['src/conform/defaults.js']);
      expect([...r.modules].filter((m) => /^src\/(targets|model\/config|report\/progress)/.test(m))).toEqual([]);
      expect(r.packages).not.toContain('undici');
    }
    // Control: a run loads the suite (the hook sees it; conform against a URL, above, runs it).
    const run = await conformRun();
    expect(run.modules).toContain('src/cli/conform-run.js');
    expect(run.modules).toContain('src/conform/run.js');
  });

  it('serve --help and a usage error of serve load no emulator, no gRPC, no HTTP client, no YAML parser', async () => {
    const help = await loadedBy(['serve', '--help']);
    const usage = await loadedBy(['serve', '--no-such-option']);
    expect([help.code, usage.code]).toEqual([0, 2]);
    for (const r of [help, usage]) {
      expect(r.modules).toContain('src/cli/serve.js');
      expect(r.modules).not.toContain('src/serve/server.js');
      for (const p of ['@grpc/grpc-js', '@grpc/proto-loader', 'undici', 'yaml']) expect(r.packages).not.toContain(p);
    }
  });

  it('control: serve that runs loads the emulator and gRPC (here refused a port already taken)', async () => {
    const taken: Server = createServer();
    const port = await new Promise<number>((resolve, reject) => {
      taken.once('error', reject);
      taken.listen(0, '127.0.0.1', () => resolve((taken.address() as { port: number }).port));
    });
    try {
      const r = await loadedBy(['serve', '--port', String(port)]);
      expect(r.code).toBe(2); // the address is in use: bad input
      expect(r.modules).toContain('src/serve/server.js');
      expect(r.packages).toContain('@grpc/grpc-js');
    } finally {
      await new Promise<void>((resolve) => taken.close(() => resolve()));
    }
  });

  it('--version loads no command', async () => {
    const r = await loadedBy(['--version']);
    expect(r.code).toBe(0);
    expect([...r.modules].filter((m) => /^src\/cli\/(conform|fuzz|simulate|serve|check|demo)\.js$/.test(m))).toEqual(
      [],
    );
  });
});
