// notification's parts for running it inside another process (bench/orderlink.ts): the core without
// transports and the delivery consumer's handler, as main.ts puts them together. Exported as
// `@ivr/notification/in-process`; nothing else of src/ is reachable from outside the service.
export { deliveryHandler } from './app/handlers';
export { buildCore } from './wiring';
