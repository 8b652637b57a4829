/**
 * Runs the stint CLI in this process and reports its peak memory on stderr as one JSON line,
 * so bench/sessionize.ts can measure the CLI as a user runs it.
 */
import { main } from '../src/cli/main.ts';

const code = await main(process.argv.slice(2));
process.stderr.write(`${JSON.stringify({ maxRssBytes: process.resourceUsage().maxRSS * 1024 })}\n`);
process.exitCode = code;
