// The claims of docs/pci-boundary.md and the tests that prove them: the one place to change when what
// the boundary promises changes (docs/conventions.md, "Adding a boundary claim").
//
// Each claim is printed in the document with the tests named here. A test is named by its file and its
// full name exactly as jest prints a failing test: the titles of the enclosing `describe` blocks, then
// its own, joined by " › " (for a `.each` test, the title with its placeholders filled in). Checks of
// `make test-chart` are named by their `report(...)` line in tools/k8s/src/check-chart.ts.
//   - tools/k8s/test/boundary-claims.unit.test.ts (unit tier) fails when a claim has no test or names a
//     test its file does not declare, or declares skipped;
//   - `make test` (tools/k8s/src/check-claims.ts, after every tier) fails when a named test did not run
//     and pass in that run;
//   - `make test-chart` fails when a flow of the vault, a deployed service or a Kafka topic has no claim,
//     or a claim names one that does not exist, and when docs/pci-boundary.md is not what this produces.
// A claim no test can prove (it depends on people or equipment outside the product) goes to
// `organisational`, with the reason and who keeps it.

export interface Proof {
  /** Path from the repository root. */
  file: string;
  /** The full name: describe titles, then the test's, joined by " › ". */
  test: string;
}

export type ClaimSection =
  /** Section 1: the path of card data and the rules that keep it on that path. */
  | { kind: 'path' }
  /** Section 2: what card data a deployed service sees (one per Deployment of the chart). */
  | { kind: 'sees'; service: string }
  /** Section 3: what a network flow of the vault carries (one per computed flow with the vault at one end). */
  | { kind: 'flow'; from: string; to: string }
  /** Section 4: what a place where data is kept holds (Kafka, PostgreSQL, logs, traces, metrics, memory). */
  | { kind: 'store'; store: string }
  /** Section 5: facts of the deployment, computed from the rendered chart. */
  | { kind: 'deployment' };

export interface Claim {
  /** Stable, kebab-case; the document's anchor. */
  id: string;
  section: ClaimSection;
  /** The sentence(s) the document prints (Markdown, one paragraph). */
  says: string;
  provedBy: Proof[];
}

export interface OrganisationalClaim {
  id: string;
  says: string;
  /** Why no test of this repository can prove it, and who keeps it true. */
  why: string;
}

const t = (file: string, ...titles: string[]): Proof => ({ file, test: titles.join(' › ') });
const chart = (check: string): Proof => t('tools/k8s/src/check-chart.ts', check);

// Test files named by several claims.
const VAULT_GRPC = 'services/dtmf-vault/test/vault-grpc.int.test.ts';
const MEDIA = 'services/dtmf-vault/test/media-session.int.test.ts';
const MEMORY = 'services/dtmf-vault/test/memory.int.test.ts';
const PLAIN = 'services/dtmf-vault/test/plain-digits.int.test.ts';
const STRIPE_MOCK = 'services/dtmf-vault/test/psp-stripe-mock.int.test.ts';
const CALLS = 'test/e2e/payment-call.e2e.test.ts';
const FIELDS = 'test/boundary-fields.unit.test.ts';
const AGENT_ASSISTED = 'test/e2e/agent-assisted.e2e.test.ts';

const vaultGrpc = (name: string) => t(VAULT_GRPC, 'VaultService over mutual TLS', name);
const media = (name: string) => t(MEDIA, 'media session over real UDP', name);
const memory = (psp: string) =>
  t(
    MEMORY,
    `no card data left in the vault process: ${psp}`,
    'finds neither the card number nor the security code after a session with a test card',
  );
const plain = (name: string) => t(PLAIN, 'plain digits cannot carry a card number out of the vault', name);
const stripeMock = (block: string, name: string) => t(STRIPE_MOCK, block, name);
const bridgeInt = (name: string) =>
  t('services/dtmf-vault/test/bridge.int.test.ts', 'a bridged call over UDP and gRPC (agent-assisted mode)', name);
const bridgeUnit = (name: string) =>
  t('services/dtmf-vault/test/bridge.unit.test.ts', 'a bridged session (agent-assisted mode)', name);
const fields = (name: string) => t(FIELDS, 'what the gRPC flows across the card boundary can carry (proto/)', name);

const LEAK_SCAN = t(
  CALLS,
  'leak scan: no topic, table, log, trace, metric or service heap holds a card number or security code',
);
const SCANNER_FINDS = t(
  'test/pan-scan.int.test.ts',
  'finds planted card data in a table and in logs, and names where without repeating it',
);
const APPROVE_CALL = t(
  CALLS,
  'approve: the card is charged, payment-completed carries the masked card, the webhook is signed, the operator is called back',
);
const VAULT_ANSWERS = fields(
  "the vault's answers to call-control hold only masked progress, the masked card and allow-listed plain digits",
);
const MTLS_REFUSALS = [
  vaultGrpc('refuses a client of our CA that is not call-control'),
  vaultGrpc('refuses a certificate named call-control from another CA'),
  vaultGrpc('refuses a plaintext client'),
];
const MEMORY_AFTER_HTTPS = [
  memory('Stripe API at stripe-mock over HTTPS'),
  memory('GMO-PG at its simulator over HTTPS'),
];
const ADMIN_PORT = t(
  'packages/runtime/test/run-service.int.test.ts',
  'runService in a child process',
  'serves health and readiness, drains on SIGTERM and stops hooks in reverse order',
);
const SEGMENTATION = chart('segmentation matrix from the NetworkPolicies equals the design (default values)');
const VAULT_FACTS = chart('vault pod facts (own namespace, no volume, no token, hardened, no Kafka, no database)');

export const claims: Claim[] = [
  // --- 1. Where card data goes -------------------------------------------------------------------
  {
    id: 'keypad-to-vault',
    section: { kind: 'path' },
    says:
      'The caller keys card number, expiry and security code on the phone keypad. The tones travel as RTP ' +
      '(RFC 4733 events or in-band audio) from the SBC/PBX **directly to the dtmf-vault pod**: the SDP answer ' +
      "call-control sends names the vault's media address, so no other component is on the media path.",
    provedBy: [
      media('captures a card number sent as RFC 4733 events, ignoring garbage, duplicates and foreign streams'),
      media('captures digits sent as in-band tones in a G.711 A-law stream'),
      APPROVE_CALL,
      t(
        'test/e2e/sip-proxy.e2e.test.ts',
        'a trunk without telephone-event (DTMF only in the audio): the offer is accepted and the keys are captured in band',
      ),
    ],
  },
  {
    id: 'only-vault-decodes-keys',
    section: { kind: 'path' },
    says:
      'Only the vault has the code that turns RTP into key presses: no other service depends on `@ivr/media` ' +
      'or imports it.',
    provedBy: [
      t(
        'test/dependency-rules.unit.test.ts',
        'dependency rules',
        'only dtmf-vault, of the services, depends on @ivr/media or imports it',
      ),
      t(
        'test/dependency-rules.unit.test.ts',
        'dependency rules',
        'would notice each kind of breach (the checks themselves work)',
      ),
    ],
  },
  {
    id: 'rtp-from-sdp-host-only',
    section: { kind: 'path' },
    says:
      'The vault hears only the host the SDP names and the first stream from there, for the whole call; ' +
      'any other stream (another host, another port, a new SSRC, even after a silence) is counted and dropped.',
    provedBy: [
      t(
        'services/dtmf-vault/test/intake.unit.test.ts',
        'RTP intake: where a stream may come from',
        'drops and counts a stream from any other host, pin_remote_address or not',
      ),
      t(
        'services/dtmf-vault/test/intake.unit.test.ts',
        'RTP intake: where a stream may come from',
        'keeps to the first port heard: another port of the same host is dropped and counted',
      ),
      t(
        'services/dtmf-vault/test/intake.unit.test.ts',
        'RTP intake: where a stream may come from',
        'does not re-lock to another stream after a silence, from the same address or elsewhere',
      ),
      media('hears only the SDP host, from the first port it sends from: other hosts and ports are dropped'),
    ],
  },
  {
    id: 'sip-info-refused',
    section: { kind: 'path' },
    says:
      'SIP signalling (to call-control) never carries card digits: call-control refuses SIP INFO, in a call ' +
      'or outside one (405, INFO not in `Allow`), without reading its body.',
    provedBy: [
      t(
        'packages/sip/test/raw-udp.int.test.ts',
        'INFO is not allowed (405, not in Allow), in a call or outside one: keyed digits never ride in SIP; the call goes on',
      ),
    ],
  },
  {
    id: 'card-in-secret-buffers',
    section: { kind: 'path' },
    says:
      'The vault keeps the digits in memory buffers that never print (`SecretDigits`: text, JSON and inspection ' +
      'show nothing) and are overwritten when taken or wiped, and validates them there.',
    provedBy: [
      t('services/dtmf-vault/test/card-rules.unit.test.ts', 'SecretDigits', 'never prints its digits'),
      t(
        'services/dtmf-vault/test/card-rules.unit.test.ts',
        'SecretDigits',
        'overwrites its buffer on wipe and on take',
      ),
      t(
        'services/dtmf-vault/test/card-rules.unit.test.ts',
        'SecretDigits',
        'zeroes the temporary ASCII copy after use',
      ),
    ],
  },
  {
    id: 'psp-request-one-buffer',
    section: { kind: 'path' },
    says:
      'The vault registers the card at the PSP over HTTPS, the whole request written as one buffer handed to ' +
      'the TLS socket in one write and zeroed once sent, so that not even TLS keeps a copy; its memory, scanned ' +
      'after a call over HTTPS, holds neither card number nor security code.',
    provedBy: [
      stripeMock(
        'Stripe tokenizer against stripe-mock',
        'registers over HTTPS with the request handed to the TLS socket in one write of one buffer, never a writev',
      ),
      stripeMock(
        'Stripe tokenizer failure paths',
        'encodes the whole request, form body from SecretDigits included, in one buffer',
      ),
      stripeMock(
        'Stripe tokenizer failure paths',
        'zeroes the request once the PSP has answered, and maps 402 to declined',
      ),
      ...MEMORY_AFTER_HTTPS,
    ],
  },
  {
    id: 'psp-deadline',
    section: { kind: 'path' },
    says: 'Each PSP request has a total deadline (`PSP_DEADLINE_MS`), not only an idle timeout: a PSP that trickles its answer cannot hold the card.',
    provedBy: [
      stripeMock(
        'Stripe tokenizer failure paths',
        'gives up on a PSP that keeps answering too slowly: a total deadline, not only an idle timeout',
      ),
    ],
  },
  {
    id: 'card-wiped-after-use',
    section: { kind: 'path' },
    says:
      'Once the PSP has answered the vault overwrites PAN and CVV; only the PSP token, brand, BIN6, last 4 and ' +
      'expiry leave it. A closed or expired session wipes what was typed.',
    provedBy: [
      vaultGrpc(
        'captures a whole card with masked progress, registers it at stripe-mock and returns only the masked card',
      ),
      memory('Stripe API at stripe-mock over HTTP'),
      ...MEMORY_AFTER_HTTPS,
      media('closes a session on request, wipes the card and refuses later calls'),
      media('ends a session at its maximum age, ending its capture and wiping what was typed'),
    ],
  },
  {
    id: 'unregistered-card-wiped',
    section: { kind: 'path' },
    says:
      'A card not registered within `VAULT_CARD_TTL_SECONDS` (60 s by default) of its last field is wiped unsent; ' +
      'a late registration is answered `CARD_WIPED` without calling the PSP.',
    provedBy: [
      t(
        'services/dtmf-vault/test/unregistered-card.int.test.ts',
        'a captured card that is not registered in time',
        'wipes it past the bound and answers a late registration with CARD_WIPED, without calling the PSP',
      ),
      t(
        'services/dtmf-vault/test/unregistered-card.int.test.ts',
        'a captured card that is not registered in time',
        'registers a card asked for in time',
      ),
    ],
  },
  {
    id: 'vault-answers-masked',
    section: { kind: 'path' },
    says:
      'call-control receives from the vault only masked progress (digits entered, brand, valid/invalid) and the ' +
      'token description, over mutually authenticated gRPC: the vault admits only a client certificate of the ' +
      'cluster CA named call-control. Every field of its answers is on a reviewed list.',
    provedBy: [
      vaultGrpc(
        'captures a whole card with masked progress, registers it at stripe-mock and returns only the masked card',
      ),
      VAULT_ANSWERS,
      ...MTLS_REFUSALS,
      t(
        'services/call-control/test/dialogue.unit.test.ts',
        'capture progress carries counts, brand and verdicts for the operator, never digits',
      ),
    ],
  },
  {
    id: 'plain-digits-allow-list',
    section: { kind: 'path' },
    says:
      'The only digits the vault returns in clear answer its own allow-list of questions (the transfer code, a ' +
      'one-key confirmation), no longer than the question needs, at most 9 per call and none once the card has ' +
      'started: a compromised call-control cannot collect a card number as plain digits.',
    provedBy: [
      plain("serves the dialogue's plain digits: a transfer code, then the amount confirmation, three times"),
      plain('refuses plain digits asked for with a card prompt, with no question, or with a prompt outside the list'),
      plain('refuses answers longer than the question needs'),
      plain("refuses plain digits beyond the session's budget"),
      plain('refuses plain digits once a card field has started, even one that did not complete'),
      plain('refuses plain digits after a card field that timed out, and after a card prompt was played'),
    ],
  },
  {
    id: 'free-text-refused',
    section: { kind: 'path' },
    says:
      'Card data has no other way in: free text that order systems (REST, gRPC) and operators (console) send is ' +
      'refused with 400 / INVALID_ARGUMENT naming the field when it holds a Luhn-valid run of 13-19 digits, plain ' +
      'or grouped; notification checks its webhook endpoints again.',
    provedBy: [
      t(
        'services/order-link/test/card-data-refused.int.test.ts',
        'card numbers in free text are refused',
        'REST',
        'refuses a payment whose description or metadata holds a card number, and publishes nothing',
      ),
      t(
        'services/order-link/test/card-data-refused.int.test.ts',
        'card numbers in free text are refused',
        'REST',
        'refuses a card number in a cancellation reason, an API key name and a webhook endpoint',
      ),
      t(
        'services/order-link/test/card-data-refused.int.test.ts',
        'card numbers in free text are refused',
        'gRPC',
        'answers INVALID_ARGUMENT naming the field',
      ),
      t(
        'services/order-link/test/card-data-refused.int.test.ts',
        'card numbers in free text are refused',
        'operator console',
        'refuses a payment, a webhook endpoint and an operator whose text holds a card number',
      ),
      t(
        'packages/contracts/test/card-number-runs.unit.test.ts',
        'card-number-shaped runs in text',
        'finds every published test card, plain and grouped with spaces, dashes or dots',
      ),
      t(
        'test/int/webhook-api.int.test.ts',
        'webhook endpoints through the order-link API',
        "notification's internal API refuses a card number in an endpoint's description or URL too",
      ),
    ],
  },
  {
    id: 'srtp-keys-to-vault-only',
    section: { kind: 'path' },
    says:
      "The keypad's RTP may be SRTP (SDES, RFC 4568; call-control `SIP_SRTP`): the caller's master key comes in " +
      "the SDP offer, so it crosses call-control and every SIP hop. call-control hands the offer's a=crypto lines " +
      'to the vault only (`OpenMediaSession.offered_crypto`, mTLS gRPC), zeroes its bytes once the vault has ' +
      'answered and keeps no reference.',
    provedBy: [
      t(
        'packages/sip/test/raw-udp.int.test.ts',
        'SRTP offers (SDES)',
        'the keys are handed over once and forgotten; the answer is RTP/SAVP with the endpoint’s line; a re-INVITE must keep the key',
      ),
      t(
        'services/call-control/test/answer-call.unit.test.ts',
        'SRTP',
        'the offer’s a=crypto lines go to the vault once; the answer is RTP/SAVP with the vault’s line',
      ),
      t(
        CALLS,
        'SRTP: a phone that insists on SRTP (baresip srtp-mand) pays; its keys reach the vault only and no log holds one',
      ),
    ],
  },
  {
    id: 'srtp-keys-wiped',
    section: { kind: 'path' },
    says:
      'The vault answers with a key of its own, holds both as bytes that never print, derives the session keys and ' +
      'overwrites them when the session closes; a stream under another key gets no digit in.',
    provedBy: [
      t(
        'services/dtmf-vault/test/srtp.int.test.ts',
        'SRTP media session over real UDP',
        'wipes the session keys when the session closes',
      ),
      t(
        'services/dtmf-vault/test/srtp.int.test.ts',
        'SRTP media session over real UDP',
        'a phone with the wrong key gets no digit in: every packet is dropped and counted',
      ),
      t(
        'packages/media/test/srtp.unit.test.ts',
        'keys are secrets',
        'a master key prints as [REDACTED] however it is printed',
      ),
      t(
        'packages/media/test/srtp.unit.test.ts',
        'keys are secrets',
        'wipe() overwrites the master key; contexts refuse to work once wiped',
      ),
    ],
  },
  {
    id: 'srtp-keys-not-logged',
    section: { kind: 'path' },
    says: 'Neither call-control nor the vault logs a key: `crypto` and `sdp` fields are censored and `inline:` keys masked in every log line.',
    provedBy: [
      t(
        'packages/logging/test/secrets.unit.test.ts',
        'SRTP keys in logs',
        'masks the key of an inline: parameter wherever it appears, and keeps the rest',
      ),
      t(
        'packages/logging/test/secrets.unit.test.ts',
        'SRTP keys in logs',
        'censors the fields that carry them, and masks a key quoted in a message',
      ),
      t(
        'services/dtmf-vault/test/srtp.int.test.ts',
        'SRTP media session over real UDP',
        'refuses an offer it cannot honour, says why without a key, and opens nothing',
      ),
      t(
        CALLS,
        'SRTP: a phone that insists on SRTP (baresip srtp-mand) pays; its keys reach the vault only and no log holds one',
      ),
    ],
  },

  {
    id: 'operator-hears-no-keys',
    section: { kind: 'path' },
    says:
      'An operator who stays on the call (agent-assisted mode) is a second RTP leg **to the vault** (a port of ' +
      "the same range, through the same SBC/PBX), which the vault bridges with the caller's. Toward the operator " +
      "it sends the caller's audio and the prompts; while a card field is captured it drops the caller's " +
      'RFC 4733 events and replaces in-band tones with one flat tone from their onset (a 40 ms look-ahead), so ' +
      'the operator, the headset and any recorder on that leg hear no digit: two independent decoders ' +
      '(multimon-ng and an eager Goertzel decoder) find none (`docs/decisions/0011-dtmf-masking.md`), also end ' +
      "to end, in what a real operator's phone recorded while call-control had called it through the PBX and " +
      'a caller keyed a card as RFC 4733 events or as in-band tones; outside capture the bridge passes the ' +
      "caller's voice, the prompts and a key pressed after the result.",
    provedBy: [
      t(
        AGENT_ASSISTED,
        'the operator stays on the line: hears the IVR and the caller, never a card key (RFC 4733 and in-band callers), and talks with the caller after the result',
      ),
      bridgeInt(
        'in-band keys: the operator hears the caller before and after the card number but not one key; the caller hears the operator',
      ),
      bridgeInt('RFC 4733 keys: the capture gets them, the operator gets none of them and decodes nothing'),
      t(
        'services/dtmf-vault/test/bridge-baresip.int.test.ts',
        'baresip calls a bridged session (agent-assisted mode)',
        'RFC 4733: the capture gets the card number, the operator gets no event and hears no key',
      ),
      t(
        'services/dtmf-vault/test/bridge-baresip.int.test.ts',
        'baresip calls a bridged session (agent-assisted mode)',
        'in-band tones: the capture gets the expiry, the operator hears flat tones and no key',
      ),
      bridgeUnit(
        'while a card field is captured, the operator hears none of the in-band keys, and the capture gets them all',
      ),
      bridgeUnit(
        'drops the caller RFC 4733 events toward the operator, and masks a phone that also leaves the tones in its audio',
      ),
      t(
        'packages/media/test/dtmf-masker.unit.test.ts',
        'DTMF masking',
        'masks all 16 keys, from their first sample: nothing decodable and under 1 ms of tone left per key',
      ),
      t(
        'packages/media/test/dtmf-masker-multimon.int.test.ts',
        'masked audio through multimon-ng',
        'keys over speech as loud as they are: multimon-ng hears them unmasked and hears nothing masked',
      ),
    ],
  },
  {
    id: 'operator-keys-never-captured',
    section: { kind: 'path' },
    says:
      "The operator's own keys are never looked for: nothing keyed on the operator's leg enters a capture (end " +
      "to end, an operator keying during the caller's card number leaves the caller's card intact). " +
      "call-control places the operator's call (its offer names the vault's RTP address) and answers holds, " +
      'and still never receives RTP.',
    provedBy: [
      bridgeUnit("never lets a key from the operator's leg into a capture"),
      t(
        AGENT_ASSISTED,
        'the operator stays on the line: hears the IVR and the caller, never a card key (RFC 4733 and in-band callers), and talks with the caller after the result',
      ),
      t(
        'services/call-control/test/operator-leg.unit.test.ts',
        'assist: opens the vault leg, offers it to the operator through the PBX, bridges the answer and records it',
      ),
      t(
        'test/dependency-rules.unit.test.ts',
        'dependency rules',
        'only dtmf-vault, of the services, depends on @ivr/media or imports it',
      ),
    ],
  },

  {
    id: 'lifecycle-by-reference',
    section: { kind: 'path' },
    says:
      'Captures, voids and refunds (asked of order-link by order systems, carried out by authorization) and ' +
      "charges of a stored card use the PSP's references only (the payment's PSP reference, the stored card's " +
      'PSP customer): the card is keyed once, in the vault, and never asked for again; a charge of a card that ' +
      'was never stored sends nothing.',
    provedBy: [
      t(
        'services/authorization/test/payment-requests.int.test.ts',
        'order-link requests, as the consumer handles them',
        'charges a stored card without a call, off-session, with the registration account and customer',
      ),
      t(
        'services/authorization/test/payment-requests.int.test.ts',
        'order-link requests, as the consumer handles them',
        'records a charge of a card it never stored as failed, sending nothing',
      ),
      t(
        'services/authorization/test/payment-requests.int.test.ts',
        'order-link requests, as the consumer handles them',
        'captures and refunds once each, however often the request is delivered',
      ),
      fields('authorization is asked with the PSP token and the masked card, never card data'),
    ],
  },

  // --- 2. What each component sees ---------------------------------------------------------------
  {
    id: 'sees-dtmf-vault',
    section: { kind: 'sees', service: 'dtmf-vault' },
    says:
      'PAN, expiry and CVV, in process memory only (no volume, no database or Kafka client), wiped after the PSP ' +
      'answers or `VAULT_CARD_TTL_SECONDS` after capture unregistered (CVV never kept)',
    provedBy: [
      ...MEMORY_AFTER_HTTPS,
      t(
        'services/dtmf-vault/test/unregistered-card.int.test.ts',
        'a captured card that is not registered in time',
        'wipes it past the bound and answers a late registration with CARD_WIPED, without calling the PSP',
      ),
      t(
        'services/dtmf-vault/test/dependencies.unit.test.ts',
        'dtmf-vault dependencies',
        'include no database or Kafka client, directly or transitively',
      ),
      VAULT_FACTS,
    ],
  },
  {
    id: 'sees-call-control',
    section: { kind: 'sees', service: 'call-control' },
    says:
      'masked progress only: digits entered, brand, valid/invalid; the plain digits of the transfer code and ' +
      'one-key confirmations; then PSP token, brand, BIN6, last 4, expiry',
    provedBy: [
      VAULT_ANSWERS,
      t(
        'services/call-control/test/dialogue.unit.test.ts',
        'capture progress carries counts, brand and verdicts for the operator, never digits',
      ),
      LEAK_SCAN,
    ],
  },
  {
    id: 'sees-authorization',
    section: { kind: 'sees', service: 'authorization' },
    says: 'PSP token, brand, BIN6, last 4, expiry',
    provedBy: [
      fields('authorization is asked with the PSP token and the masked card, never card data'),
      t(
        'services/authorization/test/outbox-kafka.int.test.ts',
        'events reach Kafka through the outbox',
        'publishes requested → approved → captured, keyed by payment id, in order, without card data',
      ),
      LEAK_SCAN,
    ],
  },
  {
    id: 'sees-order-link',
    section: { kind: 'sees', service: 'order-link' },
    says: 'outcome and the non-secret card description (brand, BIN6, last 4, expiry); free text holding a card number is refused',
    provedBy: [
      t(
        'services/order-link/test/public-contract.unit.test.ts',
        'the public payment-completed contract (docs/api)',
        'refuses a payload with a card number in it',
      ),
      t(
        'services/order-link/test/card-data-refused.int.test.ts',
        'card numbers in free text are refused',
        'REST',
        'refuses a payment whose description or metadata holds a card number, and publishes nothing',
      ),
      LEAK_SCAN,
    ],
  },
  {
    id: 'sees-notification',
    section: { kind: 'sees', service: 'notification' },
    says: 'outcome and the non-secret card description (brand, BIN6, last 4, expiry)',
    provedBy: [
      t(
        'test/e2e/orderlink-notification.e2e.test.ts',
        'order system journey: REST → call/authorization events → payment-completed → signed webhook',
        'delivers the approved outcome on the topic and as a verified webhook, and streams masked progress',
      ),
      LEAK_SCAN,
    ],
  },

  // --- 3. What each flow of the vault carries ----------------------------------------------------------
  {
    id: 'flow-sbc-rtp-to-vault',
    section: { kind: 'flow', from: 'SBC/PBX', to: 'dtmf-vault' },
    says:
      "RTP of the caller's leg: its keypad tones, card data in clear or SRTP, heard only from the host the SDP " +
      "names; and, agent-assisted, of the operator's leg (plain RTP), where no key is looked for.",
    provedBy: [
      media('captures a card number sent as RFC 4733 events, ignoring garbage, duplicates and foreign streams'),
      bridgeUnit("never lets a key from the operator's leg into a capture"),
      t(
        'services/dtmf-vault/test/srtp.int.test.ts',
        'SRTP media session over real UDP',
        'captures a card number keyed over SRTP and answers with SRTP the phone can read',
      ),
      media('hears only the SDP host, from the first port it sends from: other hosts and ports are dropped'),
      SEGMENTATION,
    ],
  },
  {
    id: 'flow-vault-rtp-to-sbc',
    section: { kind: 'flow', from: 'dtmf-vault', to: 'SBC/PBX' },
    says:
      'RTP to the caller: recorded prompts, amounts read back from recorded fragments and, agent-assisted, the ' +
      "operator's voice; nothing the caller keyed is played back. To the operator (agent-assisted): the caller's " +
      "audio and the prompts, the caller's keys dropped (RFC 4733) or replaced by a flat tone (in-band) during " +
      'card fields.',
    provedBy: [
      bridgeInt(
        'in-band keys: the operator hears the caller before and after the card number but not one key; the caller hears the operator',
      ),
      bridgeInt('RFC 4733 keys: the capture gets them, the operator gets none of them and decodes nothing'),
      bridgeUnit('plays prompts to both: the caller hears them, and so does the operator'),
      media('plays a prompt paced as 20 ms packets, and a key cuts it short when barge-in is on'),
      t('services/dtmf-vault/test/prompts.unit.test.ts', 'amount read-back', 'only uses fragments that are recorded'),
      SEGMENTATION,
    ],
  },
  {
    id: 'flow-call-control-to-vault',
    section: { kind: 'flow', from: 'call-control', to: 'dtmf-vault' },
    says:
      "gRPC over mutual TLS, call-control's certificate only: sessions, prompts, captures and registrations " +
      'asked for; answered with masked progress, the masked card and allow-listed plain digits.',
    provedBy: [VAULT_ANSWERS, ...MTLS_REFUSALS, SEGMENTATION],
  },
  {
    id: 'flow-vault-to-psp',
    section: { kind: 'flow', from: 'dtmf-vault', to: 'PSP' },
    says:
      "HTTPS to port 443 of the PSP's addresses (the chart's `PSP_URL` is https): the card registration, the " +
      'only way card data leaves the pod; one buffer per request, zeroed once sent, under a total deadline. ' +
      'Answered with the token.',
    provedBy: [
      stripeMock(
        'Stripe tokenizer against stripe-mock',
        'registers over HTTPS with the request handed to the TLS socket in one write of one buffer, never a writev',
      ),
      t(
        'services/dtmf-vault/test/psp-gmo-pg.int.test.ts',
        'GMO-PG tokenizer over HTTPS',
        'registers the card over TLS with a trusted certificate',
      ),
      t(
        'services/dtmf-vault/test/psp-gmo-pg.int.test.ts',
        'GMO-PG tokenizer over HTTPS',
        'refuses a certificate it does not trust: unavailable, nothing sent',
      ),
      ...MEMORY_AFTER_HTTPS,
      VAULT_FACTS,
      SEGMENTATION,
    ],
  },
  {
    id: 'flow-vault-to-order-link',
    section: { kind: 'flow', from: 'dtmf-vault', to: 'order-link' },
    says:
      "gRPC over mutual TLS: the vault asks for a merchant's PSP account by its id and gets the site credentials " +
      "only, never the shop's; no card data goes this way.",
    provedBy: [
      fields('the vault asks order-link for a PSP account by its id, nothing else'),
      t(
        'services/order-link/test/psp-accounts.int.test.ts',
        "order systems' PSP accounts",
        'gives the credentials to authorization in full, to the vault the site only, to nobody else',
      ),
      SEGMENTATION,
    ],
  },
  {
    id: 'flow-vault-to-dns',
    section: { kind: 'flow', from: 'dtmf-vault', to: 'cluster DNS' },
    says: 'Name resolution of the PSP and order-link hosts, to the cluster DNS pods only.',
    provedBy: [SEGMENTATION],
  },
  {
    id: 'flow-prometheus-to-vault',
    section: { kind: 'flow', from: 'Prometheus', to: 'dtmf-vault' },
    says: 'The admin port: `/healthz`, `/readyz` and `/metrics` (counters and timings, no card data); any other path is 404.',
    provedBy: [ADMIN_PORT, LEAK_SCAN, SEGMENTATION],
  },
  {
    id: 'flow-helm-test-to-vault',
    section: { kind: 'flow', from: 'helm test', to: 'dtmf-vault' },
    says: 'The admin port (the chart test pod asks `/readyz`): `/healthz`, `/readyz` and `/metrics`, any other path is 404.',
    provedBy: [ADMIN_PORT, SEGMENTATION],
  },

  // --- 4. What each store holds ------------------------------------------------------------------------------
  {
    id: 'store-kafka',
    section: { kind: 'store', store: 'Kafka topics' },
    says:
      'The events of the topics below: outcomes, masked progress and the non-secret card description, never a ' +
      'PAN or CVV. A dead letter keeps the message it could not handle with card-number-shaped runs in its reason masked.',
    provedBy: [
      LEAK_SCAN,
      t(
        'services/authorization/test/outbox-kafka.int.test.ts',
        'events reach Kafka through the outbox',
        'publishes requested → approved → captured, keyed by payment id, in order, without card data',
      ),
      t(
        'packages/kafka/test/consumer-parts.unit.test.ts',
        'maskText',
        'masks Luhn-valid card-like digit runs, with or without separators',
      ),
    ],
  },
  {
    id: 'store-postgres',
    section: { kind: 'store', store: 'PostgreSQL' },
    says:
      "Each service's own database (event store, outbox, projections): the same facts as its events, never a PAN " +
      'or CVV. The vault has no database.',
    provedBy: [LEAK_SCAN, SCANNER_FINDS, VAULT_FACTS],
  },
  {
    id: 'store-logs',
    section: { kind: 'store', store: 'Logs' },
    says:
      'JSON lines with card and secret fields censored at any depth and card-number-shaped runs masked anywhere ' +
      'in the line, errors and crashes included.',
    provedBy: [
      LEAK_SCAN,
      SCANNER_FINDS,
      t(
        'packages/logging/test/logger.unit.test.ts',
        'createLogger',
        'censors card and secret keys at any depth, however they are written',
      ),
      t(
        'packages/logging/test/logger.unit.test.ts',
        'createLogger',
        'masks card numbers anywhere in the line, including messages and errors',
      ),
      t(
        'packages/runtime/test/run-service.int.test.ts',
        'runService in a child process',
        'logs an unhandled rejection with card numbers masked and exits 1',
      ),
    ],
  },
  {
    id: 'store-traces',
    section: { kind: 'store', store: 'Traces' },
    says:
      'Spans of all five services, the vault included, with names, routes, topics, ids and status codes: no ' +
      'request or event body, path, query or header, because no instrumentation that reads payloads is ' +
      'registered or reaches the vault.',
    provedBy: [
      LEAK_SCAN,
      t(
        'packages/telemetry/test/telemetry.unit.test.ts',
        'startTelemetry and the standard OTEL_* variables',
        'registers the Node runtime metrics and no instrumentation that reads requests or messages',
      ),
      t(
        'packages/telemetry/test/telemetry.int.test.ts',
        'HTTP server spans',
        "continue the caller's traceparent, stay active past the body, and record no path, query or body",
      ),
      t(
        'services/dtmf-vault/test/dependencies.unit.test.ts',
        'dtmf-vault dependencies',
        'include no instrumentation that could record payloads, directly or transitively',
      ),
      t(
        'services/dtmf-vault/test/dependencies.unit.test.ts',
        'dtmf-vault dependencies',
        "register only the runtime metrics' instrumentation when the vault's telemetry starts",
      ),
    ],
  },
  {
    id: 'store-metrics',
    section: { kind: 'store', store: 'Metrics' },
    says: "Counters, gauges and histograms of all five services' admin ports, the vault's included: no card number or security code in any name, label or value.",
    provedBy: [LEAK_SCAN],
  },
  {
    id: 'store-memory',
    section: { kind: 'store', store: 'Memory of the other services' },
    says:
      'Heap and writable memory of call-control, order-link, authorization and notification after real payment ' +
      'calls: no card number or security code.',
    provedBy: [
      LEAK_SCAN,
      t('test/pan-scan-heap.int.test.ts', 'finds nothing before the process holds card numbers, and each one after'),
    ],
  },
  {
    id: 'store-code',
    section: { kind: 'store', store: 'Code and images' },
    says: 'The code a service bundles holds no card-number-shaped run; tests use published test cards only.',
    provedBy: [
      t('test/source-card-numbers.unit.test.ts', 'no code that a service bundles holds a card-number-shaped run'),
    ],
  },

  // --- 5. The deployment -------------------------------------------------------------------------------------------
  {
    id: 'segmentation-equals-design',
    section: { kind: 'deployment' },
    says:
      'The network matrix of section 3 is what the NetworkPolicies allow, and equals the design, for the default, ' +
      'development, production and GMO-PG values; the check notices a flow added on purpose.',
    provedBy: [
      SEGMENTATION,
      chart('segmentation matrix from the NetworkPolicies equals the design (development values)'),
      chart('segmentation matrix from the NetworkPolicies equals the design (production values)'),
      chart('segmentation matrix from the NetworkPolicies equals the design (gmo-pg values)'),
      chart('segmentation check catches an extra flow (authorization -> dtmf-vault added on purpose)'),
    ],
  },
  {
    id: 'vault-pod-facts',
    section: { kind: 'deployment' },
    says: 'Every fact about the vault pod in the table above holds for the rendered chart, and every pod meets Pod Security "restricted".',
    provedBy: [VAULT_FACTS, chart('every pod meets Pod Security "restricted" (all three values files)')],
  },
  {
    id: 'kafka-grants-follow-code',
    section: { kind: 'deployment' },
    says:
      'Each service reaches only its Kafka topics: the KafkaUsers are generated from `topics.ts`, whose read grants ' +
      'are exactly the topics each service consumes in its code.',
    provedBy: [
      chart('k8s/kafka/users.yaml equals what topics.ts generates'),
      chart('topics.ts grants each service the reads its code consumes, no more (derived from runConsumer calls)'),
      t(
        'tools/k8s/test/topic-consumers.unit.test.ts',
        'Kafka read grants (topics.ts, deployed as KafkaUser ACLs) against what the services consume',
        'grants each service exactly the topics it consumes, and dead-letter writes only to consumers',
      ),
    ],
  },
  {
    id: 'internal-grpc-mtls',
    section: { kind: 'deployment' },
    says:
      'Every internal gRPC server demands mutual TLS and a listed client: the vault and authorization admit ' +
      "call-control only; order-link's transfer codes call-control only and its PSP accounts authorization and the vault.",
    provedBy: [
      ...MTLS_REFUSALS,
      t(
        'test/e2e/internal-grpc-mtls.e2e.test.ts',
        'internal gRPC servers: mutual TLS and client allow-lists',
        'authorization answers call-control only',
      ),
      t(
        'test/e2e/internal-grpc-mtls.e2e.test.ts',
        'internal gRPC servers: mutual TLS and client allow-lists',
        "order-link's transfer codes answer call-control only, and its payment API no client without a certificate",
      ),
    ],
  },
  {
    id: 'valid-objects',
    section: { kind: 'deployment' },
    says: 'Every rendered object is a valid Kubernetes object (unknown fields fail), and the custom resources carry what their operators need.',
    provedBy: [
      chart('kubernetes-validate --strict -k 1.37.0 (every built-in object)'),
      chart('custom resources (cert-manager, Strimzi, CloudNativePG) carry what their operators need'),
    ],
  },
  {
    id: 'hardening-checks',
    section: { kind: 'deployment' },
    says: 'The manifests pass checkov; each skipped check has its reason in `tools/k8s/src/checkov-skips.ts`.',
    provedBy: [chart('checkov on the rendered manifests and k8s/ (zero failures beyond the listed skips)')],
  },
  {
    id: 'images-hardened',
    section: { kind: 'deployment' },
    says: 'Images run as non-root with health checks and pinned bases (hadolint and the project’s Dockerfile rules).',
    provedBy: [chart("Dockerfile (hadolint and the project's rules; a stage for each service)")],
  },
];

export const organisational: OrganisationalClaim[] = [
  {
    id: 'sbc-passes-rfc4733-or-audio',
    says:
      'The SBC/PBX passes keypad tones as RFC 4733 events or in-band audio (never SIP INFO), anchors the media, ' +
      'and sends RTP from the host its SDP names.',
    why:
      'The SBC is the operator’s equipment and configuration. The product refuses INFO and drops foreign streams ' +
      '(claims sip-info-refused, rtp-from-sdp-host-only), so a misconfiguration shows at once, but only the ' +
      'operator can configure the SBC (docs/telephony.md).',
  },
  {
    id: 'sip-tls-for-srtp-keys',
    says: 'SRTP master keys stay private on their way through SIP only when every hop up to call-control is SIP over TLS.',
    why:
      'call-control offers SIP over TLS with mutual authentication (`SIP_TLS_PORT`); whether the SBC and the ' +
      'carriers before it use TLS is their configuration.',
  },
  {
    id: 'prompt-recordings-reviewed',
    says: 'The recordings behind the allow-listed questions (`enter-transfer-code`, `press-1-to-confirm`) ask for what their ids say.',
    why:
      'The plain-digit allow-list is by prompt id; no test can hear what a recording asks. Recordings are part of ' +
      "the vault's image and reviewed as code; a `PROMPTS_DIR` override is a change to review.",
  },
  {
    id: 'cluster-ca-issues-names',
    says: 'The cluster CA issues a certificate named after a service (call-control, dtmf-vault, ...) to that service only.',
    why:
      'Identities between services are certificate names; who may request certificates from the ClusterIssuer ' +
      '(`ivr-internal-ca`) is the cluster’s RBAC and cert-manager policy.',
  },
  {
    id: 'cluster-access-to-vault',
    says: "Nobody execs into, attaches to, debugs or port-forwards the vault's pods, or reads its Secrets, without a recorded reason.",
    why:
      'The chart gives the vault no token, no Role and no volume (section 5), but kubectl access to its namespace ' +
      "is the cluster's RBAC and access reviews, outside the chart.",
  },
  {
    id: 'production-address-ranges',
    says: 'A production deployment sets its own SBC, PSP and webhook address ranges, as narrow as the peers are.',
    why:
      'The matrix is computed for the chart’s values files; the ranges a real deployment uses are its values, ' +
      'reviewed at each install (the check refuses an SBC range that is not a CIDR or a SIP load balancer open beyond it).',
  },
];
