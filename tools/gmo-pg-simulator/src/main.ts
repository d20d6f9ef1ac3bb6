import { loadConfig } from './config';
import { startGmoPgSimulator } from './index';

/**
 * The GMO-PG simulator as a process (dev, demo, `make up`). Log lines are JSON on stdout; they carry
 * method, path, status, duration and the ErrInfo list, never a request or answer body.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const log = (line: Record<string, unknown>) =>
    process.stdout.write(
      `${JSON.stringify({ time: new Date().toISOString(), service: 'gmo-pg-simulator', ...line })}\n`,
    );
  const simulator = await startGmoPgSimulator({ ...config, log });
  log({ msg: 'listening', url: simulator.url, charset: config.charset });
  const stop = () => {
    log({ msg: 'stopping' });
    simulator.close().then(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`gmo-pg-simulator failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
