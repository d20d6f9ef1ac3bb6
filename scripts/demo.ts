/**
 * `make demo`: one complete payment call through the whole product, printed from each party's view.
 * The services run from their built bundles on free ports (beside anything `make up` started), the
 * PSP is the simulator, and the two phones are real baresip instances: the caller dials the IVR with
 * the transfer code and keys a published test card as RFC 4733 DTMF; the operator's phone is called
 * back through REFER. What the order system received is printed: the payment-completed event from
 * Kafka and the signed webhook.
 *
 * `make demo PSP=gmo-pg` (DEMO_PSP=gmo-pg): the order system first sets its own PSP account, GMO-PG (the
 * GMO-PG simulator's test shop and site), through order-link's API; the vault registers the card there
 * (SaveMember/SaveCard), authorization pays by member and card sequence (EntryTran/ExecTran), and the
 * GMO-PG simulator's own record of the order is printed too.
 */
import './load-env';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BaresipPhone } from '@ivr/testkit/baresip';
import { confirmAmount, DEMO_CARD, dialIn, keyCard, payloadOf } from '@ivr/testkit/payment-caller';
import { PaymentSystem } from '@ivr/testkit/payment-system';
import { waitUntil } from '@ivr/testkit/service-process';
import { verifyIvrSignature } from '../examples/verify-webhook-signature';

async function main(): Promise<void> {
  const hooks: Array<{ body: string; signature: string | undefined }> = [];
  const receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      hooks.push({ body, signature: req.headers['ivr-signature'] as string | undefined });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  const hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;

  console.log('starting dtmf-vault, authorization, notification, order-link, call-control and the PSP simulator…');
  const operator = await BaresipPhone.start({ name: 'operator', answerMode: 'auto' });
  const system = await PaymentSystem.start({ 'call-control': { RETURN_FALLBACK_URI: operator.uri } });
  const caller = await BaresipPhone.start({ name: 'caller' });
  try {
    const gmoPg = process.env.DEMO_PSP === 'gmo-pg';
    if (gmoPg) {
      const { accountId } = await system.useGmoPg();
      console.log(
        `order system → order-link: its own PSP account ${accountId}: GMO-PG (the GMO-PG simulator's test shop)`,
      );
    } else if (process.env.DEMO_PSP && process.env.DEMO_PSP !== 'simulator') {
      throw new Error(`DEMO_PSP must be simulator or gmo-pg, not ${process.env.DEMO_PSP}`);
    }
    const endpoint = await system.rest('POST', '/v1/webhook-endpoints', { url: hookUrl, description: 'demo' });
    const secret = String(endpoint.body.secret);
    const payment = await system.createPayment({ returnSipAddress: operator.uri, mode: 'CAPTURE', language: 'en' });
    console.log(`order system → order-link: payment ${payment.paymentId} for order ${payment.orderId}, 12,345 JPY`);
    console.log(`operator transfers the caller → sip:${payment.transferCode}@127.0.0.1:${system.sipPort}`);

    await dialIn(system, caller, payment.transferCode);
    console.log('caller: connected to the IVR; confirms the amount with 1');
    await confirmAmount(system, caller, payment);
    console.log('caller: keys a published test card, expiry and security code (RFC 4733 to the vault only)');
    await keyCard(system, caller, payment, DEMO_CARD);

    const completed = await system.paymentCompleted(payment.paymentId, 60_000);
    await operator.waitForEvent('CALL_ESTABLISHED', { timeoutMs: 60_000 });
    console.log('operator: the caller is back on the operator phone (REFER)');
    console.log('\noperator screen (ivr.calls.v1, masked):');
    for (const e of system.callEvents(payment.paymentId)) {
      const { callId: _c, paymentId: _p, ...rest } = payloadOf(e);
      console.log(`  ${e.type} ${JSON.stringify(rest)}`);
    }
    console.log('\norder system ← Kafka ivr.payment-completed.v1:');
    console.log(JSON.stringify(completed.payload, null, 2));
    if (gmoPg) {
      const orderId = String((completed.payload as { pspReference?: string }).pspReference ?? '');
      const order = await (await fetch(`${system.gmoPg.url}/_sim/orders/${orderId}`)).json();
      console.log(`\nGMO-PG (simulator) ← its order ${orderId} (status, amount, masked card, ledger):`);
      console.log(JSON.stringify(order, null, 2));
    }
    await waitUntil('the webhook', () => hooks.some((h) => h.body.includes(payment.paymentId)), 30_000);
    const hook = hooks.find((h) => h.body.includes(payment.paymentId));
    console.log(
      `\norder system ← webhook (Ivr-Signature valid: ${verifyIvrSignature(hook?.body ?? '', hook?.signature, secret)}):`,
    );
    console.log(JSON.stringify(JSON.parse(hook?.body ?? '{}'), null, 2));
  } finally {
    await caller.stop();
    await operator.stop();
    await system.stop();
    receiver.close();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(`demo failed: ${err instanceof Error ? err.message : String(err)} (service logs: .var/logs/e2e/)`);
    process.exit(1);
  },
);
