import {
  type ChannelCredentials,
  type ChannelOptions,
  type Client,
  credentials,
  InterceptingCall,
  type Interceptor,
  status as Status,
  type StatusObject,
} from '@grpc/grpc-js';
import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { metadataSetter } from './metadata-carrier';
import type { TlsMaterial } from './tls';

export interface CreateClientOptions {
  /** mTLS with this service's certificate; plaintext without it (local development only). */
  tls?: TlsMaterial;
  /** Deadline given to every call that has none of its own. Required: no call may wait forever. */
  deadlineMs: number;
  /** The name the server certificate must carry (e.g. 'dtmf-vault'); checked instead of the address host. */
  serverName?: string;
  channelOptions?: ChannelOptions;
}

type ClientConstructor<C extends Client> = new (
  address: string,
  credentials: ChannelCredentials,
  options?: Partial<ChannelOptions> & { interceptors?: Interceptor[] },
) => C;

/**
 * Sets a deadline on every call without one, and wraps the call in a client span whose context is sent
 * as `traceparent`/`baggage` metadata, so the server's span continues the caller's trace.
 */
export function deadlineAndTraceInterceptor(deadlineMs: number): Interceptor {
  return (options, nextCall) => {
    const path = options.method_definition.path;
    const span = trace.getTracer('@ivr/grpc').startSpan(path.slice(1), {
      kind: SpanKind.CLIENT,
      attributes: { 'rpc.system': 'grpc', 'rpc.method': path.split('/')[2] ?? '' },
    });
    const spanContext = trace.setSpan(context.active(), span);
    const deadline = options.deadline ?? new Date(Date.now() + deadlineMs);
    return new InterceptingCall(nextCall({ ...options, deadline }), {
      start(metadata, listener, next) {
        propagation.inject(spanContext, metadata, metadataSetter);
        next(metadata, {
          onReceiveStatus(status: StatusObject, nextStatus: (status: StatusObject) => void) {
            span.setAttribute('rpc.grpc.status_code', status.code);
            if (status.code !== Status.OK) span.setStatus({ code: SpanStatusCode.ERROR, message: Status[status.code] });
            span.end();
            nextStatus(status);
          },
        });
        void listener;
      },
    });
  };
}

/** A client of a generated (ts-proto grpc-js) or generic service constructor with deadlines and tracing. */
export function createClient<C extends Client>(
  Ctor: ClientConstructor<C>,
  address: string,
  options: CreateClientOptions,
): C {
  if (!(options.deadlineMs > 0)) throw new Error('createClient: deadlineMs must be a positive number');
  const channelOptions: ChannelOptions = { ...options.channelOptions };
  if (options.serverName) {
    channelOptions['grpc.ssl_target_name_override'] = options.serverName;
    channelOptions['grpc.default_authority'] = options.serverName;
  }
  return new Ctor(address, options.tls?.clientCredentials ?? credentials.createInsecure(), {
    ...channelOptions,
    interceptors: [deadlineAndTraceInterceptor(options.deadlineMs)],
  });
}
