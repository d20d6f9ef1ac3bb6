// The four transaction machines of RFC 3261 §17 driven by a manual clock: retransmission
// schedules (A, E, G), timeouts (B, F, H, L) and linger timers (D, I, J, K) on UDP and TCP.
import type { SipMessage, SipRequest, SipResponse } from '../src/message';
import { createResponse } from '../src/responses';
import { ClientInviteTransaction } from '../src/transactions/client-invite';
import { ClientNonInviteTransaction } from '../src/transactions/client-non-invite';
import { ServerInviteTransaction } from '../src/transactions/server-invite';
import { ServerNonInviteTransaction } from '../src/transactions/server-non-invite';
import { type ClientTransactionEvent, DEFAULT_TIMER_VALUES } from '../src/transactions/timers';
import { ManualTimers } from './manual-timers';

const T1 = DEFAULT_TIMER_VALUES.t1;

function request(method: string): SipRequest {
  return {
    kind: 'request',
    method,
    uri: 'sip:x@h',
    headers: [
      { name: 'Via', value: 'SIP/2.0/UDP a:5060;branch=z9hG4bKabc' },
      { name: 'From', value: '<sip:a@h>;tag=1' },
      { name: 'To', value: '<sip:x@h>' },
      { name: 'Call-ID', value: 'c' },
      { name: 'CSeq', value: `1 ${method}` },
    ],
    body: Buffer.alloc(0),
  };
}

function setup(reliable = false) {
  const timers = new ManualTimers();
  const sent: Array<{ at: number; msg: SipMessage }> = [];
  let terminated = false;
  const ctx = {
    send: (msg: SipMessage) => sent.push({ at: timers.now, msg }),
    reliable,
    timers,
    values: DEFAULT_TIMER_VALUES,
    onTerminated: () => {
      terminated = true;
    },
  };
  return { timers, sent, ctx, isTerminated: () => terminated };
}

const label = (m: SipMessage) => (m.kind === 'request' ? m.method : String(m.status));

describe('INVITE server transaction', () => {
  test('an error response is retransmitted with Timer G (T1 doubling to T2) until the ACK, then Timer I', () => {
    const { timers, sent, ctx, isTerminated } = setup();
    const invite = request('INVITE');
    const tx = new ServerInviteTransaction(invite, ctx, { onTimeout: () => {} });
    tx.respond(createResponse(invite, 486, { toTag: 't' }));
    timers.advance(7.5 * T1);
    expect(sent.map((s) => s.at)).toEqual([0, T1, 3 * T1, 7 * T1]);
    tx.receive(request('ACK'));
    expect(tx.state).toBe('confirmed');
    timers.advance(20 * T1);
    expect(sent).toHaveLength(4);
    expect(isTerminated()).toBe(true);
  });

  test('without an ACK, Timer H gives up after 64*T1 and reports the timeout', () => {
    const { timers, ctx, isTerminated } = setup();
    const invite = request('INVITE');
    let timedOut = false;
    const tx = new ServerInviteTransaction(invite, ctx, { onTimeout: () => (timedOut = true) });
    tx.respond(createResponse(invite, 404, { toTag: 't' }));
    timers.advance(64 * T1 - 1);
    expect(timedOut).toBe(false);
    timers.advance(1);
    expect(timedOut).toBe(true);
    expect(isTerminated()).toBe(true);
  });

  test('a 2xx is retransmitted until acknowledged; a retransmitted INVITE gets the last response again', () => {
    const { timers, sent, ctx, isTerminated } = setup();
    const invite = request('INVITE');
    const tx = new ServerInviteTransaction(invite, ctx, { onTimeout: () => {} });
    tx.respond(createResponse(invite, 100));
    tx.receive(invite);
    expect(sent.map((s) => label(s.msg))).toEqual(['100', '100']);
    tx.respond(createResponse(invite, 200, { toTag: 't' }));
    timers.advance(3 * T1);
    expect(sent.map((s) => label(s.msg))).toEqual(['100', '100', '200', '200', '200']);
    tx.acknowledged();
    timers.advance(10 * T1);
    expect(sent).toHaveLength(5);
    expect(isTerminated()).toBe(false);
  });

  test('after the ACK of a 2xx, late INVITE retransmissions are absorbed until Timer L ends the transaction', () => {
    const { timers, sent, ctx, isTerminated } = setup();
    const invite = request('INVITE');
    let timedOut = false;
    const tx = new ServerInviteTransaction(invite, ctx, { onTimeout: () => (timedOut = true) });
    tx.respond(createResponse(invite, 200, { toTag: 't' }));
    tx.acknowledged();
    tx.receive(invite);
    expect(sent).toHaveLength(1);
    timers.advance(64 * T1);
    expect(isTerminated()).toBe(true);
    expect(timedOut).toBe(false);
    expect(timers.pending).toBe(0);
  });

  test('on TCP nothing is retransmitted and Timer I is zero', () => {
    const { timers, sent, ctx, isTerminated } = setup(true);
    const invite = request('INVITE');
    const tx = new ServerInviteTransaction(invite, ctx, { onTimeout: () => {} });
    tx.respond(createResponse(invite, 486, { toTag: 't' }));
    timers.advance(10 * T1);
    expect(sent).toHaveLength(1);
    tx.receive(request('ACK'));
    timers.advance(0);
    expect(isTerminated()).toBe(true);
  });
});

describe('non-INVITE server transaction', () => {
  test('absorbs retransmissions with the last response and lingers for Timer J (64*T1)', () => {
    const { timers, sent, ctx, isTerminated } = setup();
    const bye = request('BYE');
    const tx = new ServerNonInviteTransaction(bye, ctx);
    tx.receive(bye);
    expect(sent).toHaveLength(0);
    tx.respond(createResponse(bye, 200));
    tx.receive(bye);
    expect(sent.map((s) => label(s.msg))).toEqual(['200', '200']);
    timers.advance(64 * T1 - 1);
    expect(isTerminated()).toBe(false);
    timers.advance(1);
    expect(isTerminated()).toBe(true);
  });
});

describe('INVITE client transaction', () => {
  test('Timer A doubles from T1; Timer B times out after 64*T1', () => {
    const { timers, sent, ctx } = setup();
    const events: ClientTransactionEvent[] = [];
    new ClientInviteTransaction(request('INVITE'), ctx, (e) => events.push(e)).start();
    timers.advance(64 * T1);
    expect(sent.map((s) => s.at)).toEqual([0, T1, 3 * T1, 7 * T1, 15 * T1, 31 * T1, 63 * T1]);
    expect(events).toEqual([{ type: 'timeout' }]);
  });

  test('an error response is acknowledged on the same branch, again for each retransmission, until Timer D', () => {
    const { timers, sent, ctx, isTerminated } = setup();
    const events: ClientTransactionEvent[] = [];
    const invite = request('INVITE');
    const tx = new ClientInviteTransaction(invite, ctx, (e) => events.push(e));
    tx.start();
    const busy: SipResponse = createResponse(invite, 486, { toTag: 'r' });
    tx.receive(busy);
    tx.receive(busy);
    expect(sent.map((s) => label(s.msg))).toEqual(['INVITE', 'ACK', 'ACK']);
    const ack = sent[1]!.msg as SipRequest;
    expect(ack.headers.find((h) => h.name === 'To')?.value).toContain('tag=r');
    expect(ack.headers.find((h) => h.name === 'CSeq')?.value).toBe('1 ACK');
    expect(events).toHaveLength(1);
    timers.advance(32_000);
    expect(isTerminated()).toBe(true);
  });
});

describe('non-INVITE client transaction', () => {
  test('Timer E doubles up to T2, then T2 after a provisional; Timer F times out', () => {
    const { timers, sent, ctx } = setup();
    const events: ClientTransactionEvent[] = [];
    const bye = request('BYE');
    const tx = new ClientNonInviteTransaction(bye, ctx, (e) => events.push(e));
    tx.start();
    timers.advance(15 * T1);
    expect(sent.map((s) => s.at)).toEqual([0, T1, 3 * T1, 7 * T1, 15 * T1]);
    tx.receive(createResponse(bye, 100));
    const before = sent.length;
    timers.advance(DEFAULT_TIMER_VALUES.t2);
    expect(sent.length).toBe(before + 1);
    timers.advance(64 * T1);
    expect(events.map((e) => e.type)).toEqual(['response', 'timeout']);
  });

  test('a final response stops retransmissions; Timer K lingers T4', () => {
    const { timers, sent, ctx, isTerminated } = setup();
    const bye = request('BYE');
    const tx = new ClientNonInviteTransaction(bye, ctx, () => {});
    tx.start();
    tx.receive(createResponse(bye, 200, { toTag: 'r' }));
    timers.advance(DEFAULT_TIMER_VALUES.t4 - 1);
    expect(isTerminated()).toBe(false);
    timers.advance(1);
    expect(isTerminated()).toBe(true);
    expect(sent).toHaveLength(1);
  });
});
