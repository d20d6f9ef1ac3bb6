import { startPspSimulator } from './index';

/**
 * The PSP simulator as a process (dev, demo): PORT (default 12111), HOST (default 127.0.0.1).
 * Log lines are JSON on stdout; they carry method, path, status and duration, never a request body.
 */
async function main(): Promise<void> {
  const port = Number(process.env.PORT ?? '12111');
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(`PORT must be a port number, got ${JSON.stringify(process.env.PORT)}\n`);
    process.exit(2);
  }
  const log = (line: Record<string, unknown>) =>
    process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), service: 'psp-simulator', ...line })}\n`);
  const simulator = await startPspSimulator({ port, host: process.env.HOST ?? '127.0.0.1', log });
  log({ msg: 'listening', url: simulator.url });
  const stop = () => {
    log({ msg: 'stopping' });
    simulator.close().then(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`psp-simulator failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
