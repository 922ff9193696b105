/** `tasksim serve`: the Cloud Tasks API on the engine, for an app's own tests (SPEC §11). */
import type { Command } from 'commander';
import { isProfileName } from '../model/profiles.js';
import { applyOptions } from '../model/options.js';
import type { ProfileName } from '../model/config.js';
import { DEFAULT_APPENGINE_HOST } from '../serve/appengine-host.js';
import { CliError, EXIT, cliOptions, collectOption, parseIntOption, runCommand } from './common.js';
import { dim } from './format.js';

interface ServeCliOptions {
  port: string;
  host: string;
  controlPort: string;
  expose?: boolean;
  queueYaml?: string;
  clock: string;
  profile: string;
  option?: string[];
  appengineHost: string;
  trace?: string;
  json?: boolean;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description(
      'serve the Cloud Tasks API (v2, v2beta2 for pull queues; gRPC and REST on one port) on the model, with a clock your tests can move',
    )
    .option('--port <n>', 'API port, gRPC and REST (HTTP/1.1 + JSON) alike (0: any free port)', '8123')
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option('--expose', 'allow --host other than loopback (anyone who can reach it can add tasks that call your URLs)')
    .option('--control-port <n>', 'clock control port, HTTP/JSON (0: any free port)', '0')
    .option('--clock <kind>', 'real (the wall clock) | virtual (moved through the control API)', 'real')
    .option('--queue-yaml <file>', 'queues to start with, from a queue.yaml (default: just the default queue)')
    .option('--profile <name>', 'appengine | cloud-tasks: how the rules are read (SPEC §10, §11)', 'cloud-tasks')
    .option(
      '--option <name=value>',
      "a SPEC §10 reading over the profile's (repeatable; see tasksim options)",
      collectOption,
      [],
    )
    .option('--appengine-host <url>', 'where App Engine tasks are delivered', DEFAULT_APPENGINE_HOST)
    .option('--trace <file>', 'write every event as NDJSON, for tasksim check (finished on exit)')
    .option('--json', 'print the addresses as one JSON line instead of text')
    .addHelpText(
      'after',
      `
Point the official client at it, over gRPC:
  new CloudTasksClient({ apiEndpoint: '127.0.0.1', port: 8123, projectId: 'my-project',
                         sslCreds: grpc.credentials.createInsecure() })   (and METADATA_SERVER_DETECTION=none)
or over REST, on the same port (each connection's first bytes tell HTTP/2 from HTTP/1.1):
  new CloudTasksClient({ fallback: 'rest', protocol: 'http', apiEndpoint: '127.0.0.1', port: 8123,
                         auth: new PassThroughClient({ transporterOptions: { validateStatus: () => true } }) })
  curl http://127.0.0.1:8123/v2/projects/my-project/locations/us-central1/queues
  REST speaks the google.api.http bindings with proto3 JSON; errors are {"error":{"code","message","status"}}.
Move the virtual clock (the control URL is printed on start):
  curl -X POST 'http://127.0.0.1:PORT/clock/advance?by=1h'       also /clock/run?until=<RFC 3339>, /clock/run-until-idle
  curl http://127.0.0.1:PORT/clock
Stop with Ctrl-C (SIGINT) or SIGTERM: the trace is finished. Exit codes: 0 stopped, 2 bad input.`,
    )
    .action((opts: ServeCliOptions) => runCommand(() => serve(opts)));
}

async function serve(opts: ServeCliOptions): Promise<number> {
  const port = parseIntOption('--port', opts.port);
  const controlPort = parseIntOption('--control-port', opts.controlPort);
  if (port > 65535 || controlPort > 65535) throw new CliError('ports go up to 65535');
  if (opts.clock !== 'real' && opts.clock !== 'virtual')
    throw new CliError(`--clock must be real or virtual, got ${JSON.stringify(opts.clock)}`);
  if (!isProfileName(opts.profile))
    throw new CliError(`--profile must be appengine or cloud-tasks, got ${JSON.stringify(opts.profile)}`);
  if (!LOOPBACK.has(opts.host) && !opts.expose) {
    throw new CliError(
      `--host ${opts.host} would let other machines reach the emulator; add --expose if that is what you want`,
    );
  }
  // Loaded when serve runs, not for --help or a usage error: the URL check (undici), queue.yaml (yaml).
  const { parseTargetUrl, TargetUrlError } = await import('../targets/http-target.js');
  const { defaultConfig, loadQueueYaml } = await import('../model/queue-yaml.js');
  let appEngineHost: string;
  try {
    const u = parseTargetUrl(opts.appengineHost);
    if (u.pathname !== '/' || u.search)
      throw new TargetUrlError('give only the origin, e.g. http://127.0.0.1:8080 (tasks carry their own paths)');
    appEngineHost = u.origin;
  } catch (err) {
    if (err instanceof TargetUrlError) throw new CliError(`--appengine-host: ${err.message}`);
    throw err;
  }
  const profile = opts.profile as ProfileName;
  const named = cliOptions(opts.option);
  const config = opts.queueYaml ? await loadQueueYaml(opts.queueYaml, { profile }) : defaultConfig({ profile });
  config.options = applyOptions(config.options, named);

  // The emulator (gRPC, the protos) loads only when it runs, not for --help or a usage error.
  const { startServer } = await import('../serve/server.js');
  let server;
  try {
    server = await startServer({
      config,
      host: opts.host,
      port,
      controlPort,
      clock: opts.clock,
      appEngineHost,
      traceFile: opts.trace,
    });
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'EADDRINUSE' || /address already in use|No address added/i.test(e.message)) {
      throw new CliError(
        `cannot listen on ${opts.host}:${port} (or the control port): the address is in use; choose another --port`,
      );
    }
    if (e.code === 'ENOENT' || e.code === 'EACCES' || e.code === 'EISDIR')
      throw new CliError(`--trace ${opts.trace}: ${e.message}`);
    throw err;
  }
  if (!LOOPBACK.has(opts.host))
    process.stderr.write(
      `tasksim: warning: listening on ${opts.host}, not loopback: anyone who can reach it can create tasks\n`,
    );
  const clockUrl = `${server.controlUrl}/clock`;
  if (opts.json) {
    process.stdout.write(
      JSON.stringify({
        address: server.address,
        port: server.port,
        rest: server.restUrl,
        control: clockUrl,
        clock: opts.clock,
        profile,
        appEngineHost,
      }) + '\n',
    );
  } else {
    process.stdout.write(
      [
        `tasksim serve  Cloud Tasks API (v2, v2beta2) on ${server.address}, gRPC and REST  ${dim(`profile ${profile} · clock ${opts.clock}`)}`,
        `clock          ${clockUrl}${opts.clock === 'virtual' ? dim('  (POST /clock/advance?by=1h, /clock/run?until=…, /clock/run-until-idle)') : dim('  (real: read only)')}`,
        `App Engine     tasks go to ${appEngineHost}${opts.trace ? `   trace → ${opts.trace}` : ''}`,
        dim(
          `client         new CloudTasksClient({ apiEndpoint: '${server.host}', port: ${server.port}, sslCreds: grpc.credentials.createInsecure() })`,
        ),
        dim(`REST           ${server.restUrl}/v2/projects/PROJECT/locations/LOCATION/queues   (see --help)`),
        '',
      ].join('\n'),
    );
  }
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await server.close();
  if (!opts.json)
    process.stdout.write(
      `stopped${opts.trace ? `; trace written to ${opts.trace} (check it: tasksim check ${opts.trace})` : ''}\n`,
    );
  return EXIT.ok;
}
