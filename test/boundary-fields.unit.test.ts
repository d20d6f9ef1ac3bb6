// What the gRPC flows across the card boundary can carry, read from proto/: every field (at any depth) of
// the vault's answers to call-control, of what the vault asks order-link, and of every request to
// authorization (which must never see more than the PSP token and the masked card). Each field that could hold digits is on a reviewed list with the reason it holds
// no card data; a new field fails here until someone decides that (and, when it changes what a flow
// carries, updates the claim in tools/k8s/src/boundary-claims.ts). Enum and bool fields carry no digits
// and are not listed.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '@ivr/testkit/root';

interface Field {
  name: string;
  type: string;
}
interface Proto {
  messages: Map<string, Field[]>;
  enums: Set<string>;
  /** `package.Service/Method` → request and response message names. */
  rpcs: Map<string, { request: string; response: string }>;
}

const SCALARS = new Set([
  'double',
  'float',
  'int32',
  'int64',
  'uint32',
  'uint64',
  'sint32',
  'sint64',
  'fixed32',
  'fixed64',
  'sfixed32',
  'sfixed64',
  'string',
  'bytes',
]);

function protoFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((e) => {
    const p = path.join(dir, e);
    return statSync(p).isDirectory() ? protoFiles(p) : e.endsWith('.proto') ? [p] : [];
  });
}

/** A small reader of the proto3 subset this repository writes (messages, oneofs, enums, services). */
function readProtos(texts: string[]): Proto {
  const raw: { pkg: string; scope: string; name: string; type: string }[] = [];
  const out: Proto = { messages: new Map(), enums: new Set(), rpcs: new Map() };
  for (const source of texts) {
    const text = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
    const pkg = /\bpackage\s+([\w.]+)\s*;/.exec(text)?.[1] ?? '';
    const stack: { kind: string; name: string }[] = [];
    const scope = () => [pkg, ...stack.filter((s) => s.kind === 'message').map((s) => s.name)].join('.');
    for (const m of text.matchAll(/([^{};]*)([{};])/g)) {
      const head = (m[1] ?? '').trim().replace(/\s+/g, ' ');
      if (m[2] === '}') {
        stack.pop();
        continue;
      }
      if (m[2] === '{') {
        const [kind = '', name = ''] = head.split(' ');
        if (kind === 'message') out.messages.set(`${scope()}.${name}`, []);
        if (kind === 'enum') out.enums.add(`${scope()}.${name}`);
        stack.push({ kind, name });
        continue;
      }
      const top = stack.at(-1);
      if (top?.kind === 'service') {
        const rpc = /^rpc (\w+)\s*\(\s*(?:stream )?([\w.]+)\s*\)\s*returns\s*\(\s*(?:stream )?([\w.]+)\s*\)/.exec(head);
        if (rpc) out.rpcs.set(`${pkg}.${top.name}/${rpc[1]}`, { request: rpc[2]!, response: rpc[3]! });
        continue;
      }
      if (top?.kind !== 'message' && top?.kind !== 'oneof') continue;
      const field = /^(?:repeated |optional )?(map<[^>]+>|[\w.]+) (\w+) = \d+/.exec(head);
      if (field) raw.push({ pkg, scope: scope(), name: field[2]!, type: field[1]! });
    }
  }
  // Resolve each type name as protoc does: innermost scope outwards, then fully qualified.
  const resolve = (scope: string, type: string) => {
    if (SCALARS.has(type) || type === 'bool' || type.startsWith('map<')) return type;
    const parts = scope.split('.');
    for (let i = parts.length; i >= 0; i--) {
      const candidate = [...parts.slice(0, i), type].filter(Boolean).join('.');
      if (out.messages.has(candidate) || out.enums.has(candidate)) return candidate;
    }
    return type;
  };
  for (const f of raw) out.messages.get(f.scope)?.push({ name: f.name, type: resolve(f.scope, f.type) });
  for (const [k, r] of out.rpcs) {
    const pkg = k.slice(0, k.lastIndexOf('.', k.indexOf('/')));
    out.rpcs.set(k, { request: resolve(pkg, r.request), response: resolve(pkg, r.response) });
  }
  return out;
}

/** Every field that could carry digits reachable from the given messages: `Message.field type`. */
function digitFields(proto: Proto, roots: string[]): string[] {
  const seen = new Set<string>();
  const found = new Set<string>();
  const walk = (message: string) => {
    if (seen.has(message)) return;
    seen.add(message);
    const fields = proto.messages.get(message);
    if (!fields) throw new Error(`unknown message ${message}`);
    for (const f of fields) {
      if (proto.messages.has(f.type)) walk(f.type);
      else if (proto.enums.has(f.type) || f.type === 'bool') continue;
      else found.add(`${message}.${f.name} ${f.type}`);
    }
  };
  for (const r of roots) walk(r);
  return [...found].sort();
}

const proto = readProtos(protoFiles(path.join(ROOT, 'proto')).map((f) => readFileSync(f, 'utf8')));
const messagesOf = (service: string, side: 'request' | 'response') =>
  [...proto.rpcs]
    .filter(([k]) => k.startsWith(`${service}/`))
    .map(([, r]) => r[side])
    .filter((m) => !m.startsWith('google.protobuf.'));

/** The reviewed fields: why each one carries no card data. */
const VAULT_ANSWERS: Record<string, string> = {
  'ivr.vault.v1.OpenMediaSessionResponse.session_id string': "the vault's random session id",
  'ivr.vault.v1.OpenMediaSessionResponse.rtp_address string': "the vault's own media address for the SDP",
  'ivr.vault.v1.OpenMediaSessionResponse.rtp_port uint32': "the vault's own media port",
  'ivr.vault.v1.OpenMediaSessionResponse.telephone_event_payload_type uint32': 'an RTP payload type number',
  'ivr.vault.v1.OpenMediaSessionResponse.answer_crypto string': "the vault's SRTP key line for the SDP answer",
  'ivr.vault.v1.Progress.digits_entered uint32': 'how many keys, not which',
  'ivr.vault.v1.Progress.brand string': 'the brand, known from the first digits (masked progress)',
  'ivr.vault.v1.Restarted.attempts_left uint32': 'a count',
  'ivr.vault.v1.Invalid.attempts_left uint32': 'a count',
  'ivr.vault.v1.TimedOut.attempts_left uint32': 'a count',
  'ivr.vault.v1.Completed.digits_entered uint32': 'how many keys, not which',
  'ivr.vault.v1.Completed.brand string': 'the brand',
  'ivr.vault.v1.Completed.plain_digits string':
    'plain-digit fields only, answering an allow-listed question within a budget (services/dtmf-vault/src/app/plain-digits.ts)',
  'ivr.common.v1.MaskedCard.psp_token string': "the PSP's token for the card",
  'ivr.common.v1.MaskedCard.brand string': 'the brand',
  'ivr.common.v1.MaskedCard.bin string': 'the first six digits (PCI DSS 3.4.1 allows BIN and last four)',
  'ivr.common.v1.MaskedCard.last4 string': 'the last four digits',
  'ivr.common.v1.MaskedCard.expiry_month int32': 'the expiry month (not sensitive authentication data)',
  'ivr.common.v1.MaskedCard.expiry_year int32': 'the expiry year',
  'ivr.vault.v1.RegisterCardResponse.decline_reason string': 'a decline reason of @ivr/contracts',
  'ivr.vault.v1.RegisterCardResponse.psp_code string': "the PSP's error code (GMO-PG ErrCode)",
  'ivr.vault.v1.RegisterCardResponse.psp_decline_code string': "the PSP's error detail (GMO-PG ErrInfo)",
  'ivr.vault.v1.OpenOperatorLegResponse.rtp_address string': "the vault's own media address for the operator's SDP",
  'ivr.vault.v1.OpenOperatorLegResponse.rtp_port uint32': "the vault's own media port for the operator's leg",
  'ivr.vault.v1.OpenOperatorLegResponse.telephone_event_payload_type uint32': 'an RTP payload type number',
  'ivr.vault.v1.CloseLegResponse.masked_ms uint64': 'how long caller audio was masked toward the operator (ms)',
  'ivr.vault.v1.SessionStats.packets_received uint64': 'a packet count',
  'ivr.vault.v1.SessionStats.packets_accepted uint64': 'a packet count',
  'ivr.vault.v1.SessionStats.packets_sent uint64': 'a packet count',
  'ivr.vault.v1.SessionStats.garbage uint64': 'a packet count',
  'ivr.vault.v1.SessionStats.foreign_ssrc uint64': 'a packet count',
  'ivr.vault.v1.SessionStats.wrong_source uint64': 'a packet count',
  'ivr.vault.v1.SessionStats.unexpected_payload_type uint64': 'a packet count',
  'ivr.vault.v1.SessionStats.keys uint64': 'how many keys, not which',
  'ivr.vault.v1.SessionStats.srtp_auth_failed uint64': 'a packet count',
  'ivr.vault.v1.SessionStats.srtp_replayed uint64': 'a packet count',
};

const VAULT_ASKS_ORDER_LINK: Record<string, string> = {
  'ivr.orderlink.v1.GetPspAccountRequest.account_id string': "the merchant's PSP account id (pa_...)",
};

const AUTHORIZATION_IS_ASKED: Record<string, string> = {
  'ivr.authorization.v1.AuthorizeRequest.payment_id string': "the platform's payment id",
  'ivr.authorization.v1.AuthorizeRequest.order_reference string': "the order system's reference",
  'ivr.authorization.v1.AuthorizeRequest.customer_reference string': 'a PSP customer holding a stored card (a token)',
  'ivr.authorization.v1.AuthorizeRequest.correlation_id string': 'the request or call id',
  'ivr.authorization.v1.AuthorizeRequest.psp_account_id string': "the merchant's PSP account id",
  'ivr.common.v1.MaskedCard.psp_token string': "the PSP's token for the card",
  'ivr.common.v1.MaskedCard.brand string': 'the brand',
  'ivr.common.v1.MaskedCard.bin string': 'the first six digits',
  'ivr.common.v1.MaskedCard.last4 string': 'the last four digits',
  'ivr.common.v1.MaskedCard.expiry_month int32': 'the expiry month',
  'ivr.common.v1.MaskedCard.expiry_year int32': 'the expiry year',
  'ivr.common.v1.Money.minor_units int64': 'the amount',
  'ivr.common.v1.Money.currency string': 'an ISO 4217 code',
  'ivr.authorization.v1.CaptureRequest.payment_id string': "the platform's payment id",
  'ivr.authorization.v1.CaptureRequest.correlation_id string': 'the request or call id',
  'ivr.authorization.v1.CaptureRequest.operation_id string': "order-link's id of the capture (cap_...)",
  'ivr.authorization.v1.VoidRequest.payment_id string': "the platform's payment id",
  'ivr.authorization.v1.VoidRequest.correlation_id string': 'the request or call id',
  'ivr.authorization.v1.VoidRequest.operation_id string': "order-link's id of the void (void_...)",
  'ivr.authorization.v1.RefundRequest.payment_id string': "the platform's payment id",
  'ivr.authorization.v1.RefundRequest.operation_id string': "order-link's id of the refund (ref_...)",
  'ivr.authorization.v1.RefundRequest.correlation_id string': 'the request id',
  'ivr.authorization.v1.GetAuthorizationRequest.payment_id string': "the platform's payment id",
  'ivr.authorization.v1.AbandonAuthorizationRequest.payment_id string': "the platform's payment id",
  'ivr.authorization.v1.AbandonAuthorizationRequest.reason string': 'why, for the record (e.g. CALL_LOST)',
  'ivr.authorization.v1.AbandonAuthorizationRequest.correlation_id string': 'the request or call id',
};

const reviewed = (list: Record<string, string>) => Object.keys(list).sort();
const HOW =
  'a field was added or removed: review it, list it with the reason it carries no card data, and update the claim of the flow in tools/k8s/src/boundary-claims.ts if it changes what the flow carries';

describe('what the gRPC flows across the card boundary can carry (proto/)', () => {
  it('reads the services and messages of proto/, and would find a field added to an answer (the check works)', () => {
    expect(proto.rpcs.has('ivr.vault.v1.VaultService/RegisterCard')).toBe(true);
    expect(proto.messages.get('ivr.vault.v1.CaptureFieldResponse')?.map((f) => f.name)).toContain('completed');
    expect(digitFields(proto, ['ivr.common.v1.MaskedCard'])).toContain('ivr.common.v1.MaskedCard.last4 string');
    // A card number added to an answer, in a nested message inside a oneof, would be found.
    const planted = readProtos([
      `syntax = "proto3"; package x.v1; // a comment { with braces }
       service S { rpc Get(Ask) returns (stream Answer); }
       message Ask {}
       message Answer { oneof result { Done done = 1; } /* more */ Kind kind = 2; bool ok = 3; }
       message Done { string card_number = 1; repeated uint64 parts = 2; }
       enum Kind { KIND_UNSPECIFIED = 0; }`,
    ]);
    expect(digitFields(planted, [planted.rpcs.get('x.v1.S/Get')!.response])).toEqual([
      'x.v1.Done.card_number string',
      'x.v1.Done.parts uint64',
    ]);
  });

  it("the vault's answers to call-control hold only masked progress, the masked card and allow-listed plain digits", () => {
    const found = digitFields(proto, messagesOf('ivr.vault.v1.VaultService', 'response'));
    expect({ found, note: HOW }).toEqual({ found: reviewed(VAULT_ANSWERS), note: HOW });
  });

  it('the vault asks order-link for a PSP account by its id, nothing else', () => {
    const found = digitFields(proto, [proto.rpcs.get('ivr.orderlink.v1.PspAccountService/GetPspAccount')!.request]);
    expect({ found, note: HOW }).toEqual({ found: reviewed(VAULT_ASKS_ORDER_LINK), note: HOW });
  });

  it('authorization is asked with the PSP token and the masked card, never card data', () => {
    const found = digitFields(proto, messagesOf('ivr.authorization.v1.AuthorizationService', 'request'));
    expect({ found, note: HOW }).toEqual({ found: reviewed(AUTHORIZATION_IS_ASKED), note: HOW });
  });
});
