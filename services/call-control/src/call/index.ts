export type { CallCommand } from './commands';
export { CallCommandRejected, type CallState, callDecider, decideCall, evolveCall, initialCallState } from './decider';
export { CALL_STREAM_TYPE, type CallEvent } from './events';
