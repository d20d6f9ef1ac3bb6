import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { dirname } from 'node:path';
import { type Attributes, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { type ExportResult, ExportResultCode, hrTimeToMilliseconds, hrTimeToTimeStamp } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';

/** One line of the traces file: everything a reviewer or the card-data leak scan needs from a span. */
export interface SpanRecord {
  trace_id: string;
  span_id: string;
  parent_span_id: string | null;
  name: string;
  kind: string;
  service: string | null;
  start_time: string;
  end_time: string;
  duration_ms: number;
  attributes: Attributes;
  events: { name: string; time: string; attributes: Attributes }[];
  links: { trace_id: string; span_id: string; attributes: Attributes }[];
  status: { code: 'UNSET' | 'OK' | 'ERROR'; message?: string };
}

export function toSpanRecord(span: ReadableSpan): SpanRecord {
  const { traceId, spanId } = span.spanContext();
  const service = span.resource.attributes['service.name'];
  return {
    trace_id: traceId,
    span_id: spanId,
    parent_span_id: span.parentSpanContext?.spanId ?? null,
    name: span.name,
    kind: SpanKind[span.kind],
    service: typeof service === 'string' ? service : null,
    start_time: hrTimeToTimeStamp(span.startTime),
    end_time: hrTimeToTimeStamp(span.endTime),
    duration_ms: hrTimeToMilliseconds(span.duration),
    attributes: span.attributes,
    events: span.events.map((e) => ({ name: e.name, time: hrTimeToTimeStamp(e.time), attributes: e.attributes ?? {} })),
    links: span.links.map((l) => ({
      trace_id: l.context.traceId,
      span_id: l.context.spanId,
      attributes: l.attributes ?? {},
    })),
    status: {
      code: SpanStatusCode[span.status.code] as SpanRecord['status']['code'],
      ...(span.status.message ? { message: span.status.message } : {}),
    },
  };
}

/**
 * Appends one JSON object per finished span to a file (OTEL_TRACES_FILE). Values are written as recorded,
 * not masked: the file exists so that a scan can prove no card data reached a span.
 */
export class FileSpanExporter implements SpanExporter {
  // One stream for the process's life: a span costs a buffered write, not an open/append/close.
  private readonly out: WriteStream;
  // Stream writes complete in order, so the last one done means every earlier one is on disk.
  private lastWrite: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(readonly path: string) {
    mkdirSync(dirname(path), { recursive: true });
    this.out = createWriteStream(path, { flags: 'a' });
    this.out.on('error', () => undefined); // reported to each export's callback
  }

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    if (this.stopped) {
      resultCallback({ code: ExportResultCode.FAILED, error: new Error('FileSpanExporter is shut down') });
      return;
    }
    const lines = spans.map((span) => `${JSON.stringify(toSpanRecord(span))}\n`).join('');
    // The spans that end in one tick (SimpleSpanProcessor exports each alone) leave in one write, at
    // the end of the tick: under load one system call instead of one per span, still right away.
    if (this.out.writableCorked === 0) {
      this.out.cork();
      process.nextTick(() => this.out.uncork());
    }
    this.lastWrite = new Promise((resolve) => {
      this.out.write(lines, (error) => {
        resultCallback(error ? { code: ExportResultCode.FAILED, error } : { code: ExportResultCode.SUCCESS });
        resolve();
      });
    });
  }

  forceFlush(): Promise<void> {
    return this.lastWrite;
  }

  async shutdown(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await this.lastWrite;
    await new Promise<void>((resolve) => this.out.end(resolve));
  }
}
