export { type Conclusion, endReason } from './conclusion';
export { DEFAULT_DIALOGUE_CONFIG, type DialogueConfig, type FieldTiming } from './config';
export type { DialogueCall, DialogueDeps, StepName } from './context';
export { CallerHungUp, MediaSessionLost, ServiceUnavailable } from './errors';
export type * from './ports';
export { type DialogueEnd, type DialogueStart, runDialogue } from './run-dialogue';
export { authorizationRecord } from './steps/authorization';
