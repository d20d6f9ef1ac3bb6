import {
  type MethodDefinition,
  type ServerErrorResponse,
  type ServerUnaryCall,
  type ServerWritableStream,
  status as Status,
  type StatusObject,
  type sendUnaryData,
  type UntypedHandleCall,
} from '@grpc/grpc-js';
import type { Logger } from '@ivr/logging';
import { context, propagation, ROOT_CONTEXT, type Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { metadataGetter } from './metadata-carrier';
import { chosenStatus, INTERNAL_DETAILS } from './status';
import { peerIdentities } from './tls';

export interface HandlerGuards {
  /** Certificate identities (CN or DNS SAN) allowed to call; undefined lets any authenticated peer in. */
  allowedClients?: readonly string[];
  logger: Logger;
}

type ServerStatusResponse = Partial<StatusObject>;
type Answer = ServerStatusResponse | null;
/** What every kind of server call offers: metadata and the TLS peer. */
type ServerSurfaceCall = Pick<ServerUnaryCall<unknown, unknown>, 'metadata' | 'getAuthContext' | 'on'>;
type Finish = (answer: Answer) => void;

const tracer = () => trace.getTracer('@ivr/grpc');

/** Runs a call inside a server span that continues the caller's trace (from `traceparent` metadata). */
function inServerSpan(path: string, call: ServerSurfaceCall, body: (finish: Finish) => void): void {
  const parent = propagation.extract(ROOT_CONTEXT, call.metadata, metadataGetter);
  const [service, method] = path.slice(1).split('/');
  const span: Span = tracer().startSpan(
    path.slice(1),
    {
      kind: SpanKind.SERVER,
      attributes: { 'rpc.system': 'grpc', 'rpc.service': service ?? '', 'rpc.method': method ?? '' },
    },
    parent,
  );
  let finished = false;
  // Ends the span exactly once, whichever comes first: the answer, the end of the stream, or a cancel.
  const finish: Finish = (answer) => {
    if (finished) return;
    finished = true;
    const code = answer?.code ?? Status.OK;
    span.setAttribute('rpc.grpc.status_code', code);
    if (code !== Status.OK) span.setStatus({ code: SpanStatusCode.ERROR, message: Status[code] });
    span.end();
  };
  // A cancel (client gone or deadline passed) may come while the handler still works: the span ends then.
  call.on('cancelled', () => finish({ code: Status.CANCELLED }));
  context.with(trace.setSpan(parent, span), () => body(finish));
}

/** PERMISSION_DENIED unless the client certificate names an allowed client. */
function deniedPeer(path: string, call: ServerSurfaceCall, guards: HandlerGuards): Answer {
  if (!guards.allowedClients) return null;
  const names = peerIdentities(call.getAuthContext()?.sslPeerCertificate);
  if (names.some((name) => guards.allowedClients?.includes(name))) return null;
  guards.logger.warn({ rpc: path, peer: names[0] ?? null }, `refused ${path}: client not allowed`);
  return { code: Status.PERMISSION_DENIED, details: `client ${names[0] ?? '(no certificate)'} may not call ${path}` };
}

/** What the caller is told: the handler's chosen status, or INTERNAL with nothing of the error's text. */
function toAnswer(path: string, error: unknown, logger: Logger): ServerStatusResponse {
  const chosen = chosenStatus(error);
  if (chosen) return chosen;
  logger.error({ err: error, rpc: path }, `unexpected error in ${path}`);
  return { code: Status.INTERNAL, details: INTERNAL_DETAILS };
}

/** Calls the handler; a throw or a rejected promise goes to fail. */
function invoke(run: () => unknown, fail: (error: unknown) => void): void {
  try {
    const result = run();
    if (result instanceof Promise) result.catch(fail);
  } catch (error) {
    fail(error);
  }
}

type CallbackHandler = (call: ServerSurfaceCall, callback: sendUnaryData<unknown>) => unknown;
type StreamHandler = (call: ServerWritableStream<unknown, unknown>) => unknown;

/** Adds tracing, the client check and error hygiene around one method's handler. */
export function wrapHandler(
  method: MethodDefinition<unknown, unknown>,
  handler: UntypedHandleCall,
  guards: HandlerGuards,
): UntypedHandleCall {
  const path = method.path;
  if (!method.responseStream) {
    // Unary and client-streaming: answered through a callback.
    const wrapped = (call: ServerSurfaceCall, callback: sendUnaryData<unknown>) =>
      inServerSpan(path, call, (finish) => {
        let answered = false;
        const answer: sendUnaryData<unknown> = (error, value, trailer, flags) => {
          if (answered) return;
          answered = true;
          const status = error ? toAnswer(path, error, guards.logger) : null;
          finish(status);
          callback(status as ServerErrorResponse | null, value, trailer, flags);
        };
        const denied = deniedPeer(path, call, guards);
        if (denied) return answer(denied);
        invoke(
          () => (handler as CallbackHandler)(call, answer),
          (error) => answer(error as Error),
        );
      });
    return wrapped as UntypedHandleCall;
  }
  // Server-streaming and bidi: answered by ending the stream or emitting an error status.
  const wrapped = (call: ServerWritableStream<unknown, unknown>) =>
    inServerSpan(path, call, (finish) => {
      call.on('finish', () => finish(null));
      const fail = (error: unknown) => {
        const status = toAnswer(path, error, guards.logger);
        finish(status);
        call.emit('error', status);
      };
      const denied = deniedPeer(path, call, guards);
      if (denied) return fail(denied);
      invoke(() => (handler as StreamHandler)(call), fail);
    });
  return wrapped as UntypedHandleCall;
}
