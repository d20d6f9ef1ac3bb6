// order-link's parts for running it inside another process (bench/orderlink.ts): the core without
// transports, the REST app and the process manager, as main.ts puts them together. Exported as
// `@ivr/order-link/in-process`; nothing else of src/ is reachable from outside the service.
export { createHttpApp } from './adapters/http/server';
export { startProcessManager } from './adapters/kafka/process-manager-consumer';
export { buildCore } from './wiring';
