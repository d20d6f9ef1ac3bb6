import { CALL_MODES, callModeOf, isCallMode } from '../src';

describe('call modes', () => {
  it('are IVR_ONLY and AGENT_ASSISTED', () => {
    expect(CALL_MODES).toEqual(['IVR_ONLY', 'AGENT_ASSISTED']);
    expect(isCallMode('AGENT_ASSISTED')).toBe(true);
    expect(isCallMode('THREE_WAY')).toBe(false);
  });

  it('read the mode of events stored before it existed: the removed flag meant the operator stayed on', () => {
    expect(callModeOf({ callMode: 'AGENT_ASSISTED' })).toBe('AGENT_ASSISTED');
    expect(callModeOf({ callMode: 'IVR_ONLY' })).toBe('IVR_ONLY');
    // An event of the earlier release (PaymentRequested, PaymentTransferredToIvr, CallStarted).
    expect(callModeOf({ threeWay: true } as never)).toBe('AGENT_ASSISTED');
    expect(callModeOf({ threeWay: false } as never)).toBe('IVR_ONLY');
    expect(callModeOf({})).toBe('IVR_ONLY');
  });
});
