// HTTP server spans, written out rather than left to @opentelemetry/instrumentation-http: that
// instrumentation patches node:http for the whole process (clients too) and can be configured to
// record headers and bodies. This middleware records what the semantic conventions need for a
// server span and nothing a caller typed: no URL path or query (the route template instead), no
// headers, no body.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';

export interface HttpServerSpanOptions {
  /**
   * The matched route template once the response is done (Express: `req.route?.path`), for the span
   * name `{method} {route}` and `http.route`; undefined leaves the name at the method alone.
   */
  route?: (request: IncomingMessage) => string | undefined;
}

const KNOWN_METHODS = new Set(['CONNECT', 'DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT', 'TRACE']);

/**
 * Connect/Express-style middleware: one SERVER span per request, continuing the caller's W3C
 * `traceparent`, active while the rest of the chain runs (including after the body has been read),
 * ended when the response finishes or the connection closes.
 */
export function httpServerSpans(
  options: HttpServerSpanOptions = {},
): (request: IncomingMessage, response: ServerResponse, next: (error?: unknown) => void) => void {
  return (request, response, next) => {
    const method = KNOWN_METHODS.has(request.method ?? '') ? (request.method as string) : '_OTHER';
    const parent = propagation.extract(ROOT_CONTEXT, request.headers);
    const span = trace.getTracer('@ivr/telemetry').startSpan(
      method,
      {
        kind: SpanKind.SERVER,
        attributes: {
          'http.request.method': method,
          'url.scheme': 'encrypted' in request.socket && request.socket.encrypted ? 'https' : 'http',
          'network.protocol.version': request.httpVersion,
        },
      },
      parent,
    );
    const active = trace.setSpan(parent, span);
    // Body chunks and 'finish' come from the socket, outside this call: bind the emitters so that
    // listeners (body parsers calling next) run in the span's context.
    context.bind(active, request);
    context.bind(active, response);
    let ended = false;
    const end = () => {
      if (ended) return;
      ended = true;
      const route = options.route?.(request);
      if (route) {
        span.updateName(`${method} ${route}`);
        span.setAttribute('http.route', route);
      }
      if (response.writableFinished) {
        span.setAttribute('http.response.status_code', response.statusCode);
        if (response.statusCode >= 500) {
          span.setAttribute('error.type', String(response.statusCode));
          span.setStatus({ code: SpanStatusCode.ERROR });
        }
      } else {
        span.setAttribute('error.type', 'connection_closed');
        span.setStatus({ code: SpanStatusCode.ERROR, message: 'connection closed before the response was sent' });
      }
      span.end();
    };
    response.once('finish', end);
    response.once('close', end);
    context.with(active, next);
  };
}
