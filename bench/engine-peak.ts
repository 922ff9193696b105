/** Child process: one run of the throughput scenario; prints events, time and peak RSS as JSON. */
import { peakRssKiB } from './peak-rss.js';
import { runThroughput, throughputScenario } from './throughput.js';

const tasks = Number(process.argv[2] ?? 1_000_000);
const invariants = process.argv[3] !== 'no-invariants';
const r = await runThroughput(await throughputScenario(tasks), invariants);
const maxRssMB = peakRssKiB() / 1024;
process.stdout.write(JSON.stringify({ tasks, invariants, events: r.events, ms: r.ms, maxRssMB }) + '\n');
