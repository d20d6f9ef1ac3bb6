import type { CallMode, Language } from '@ivr/contracts/vocabulary';

/** The console API (same origin, session cookie); every change carries the session's CSRF token. */
export interface Operator {
  operatorId: string;
  username: string;
  displayName: string;
  role: 'operator' | 'supervisor' | 'admin';
  team: string | null;
  sipAddress: string;
  disabled: boolean;
  failedAttempts: number;
  lockedUntil: string | null;
  mfaEnrolled: boolean;
}

export interface Session {
  operator: Operator;
  csrfToken: string;
  ivrSipAddress: string;
}

export interface ScreenCard {
  brand?: string;
  expiryMonth?: number;
  expiryYear?: number;
}

export interface Payment {
  paymentId: string;
  orderId: string;
  orderSystem: string;
  /** The PSP account (merchant) the payment is paid with: `default` or the order system's pa_... id. */
  pspAccountId: string;
  status: string;
  amount: number;
  currency: string;
  description: string;
  mode: string;
  language: Language;
  returnSipAddress: string;
  callMode: CallMode;
  /** Agent-assisted, in the IVR: a cancellation was asked of the IVR and is not done yet. */
  cancellationRequested: boolean;
  transferCode: string;
  transferCodeExpiresAt: string;
  createdAt: string;
  updatedAt: string;
  operatorId: string | null;
  operatorName: string | null;
  card: ScreenCard | null;
  result: {
    outcome: string;
    authorizationCode?: string;
    reason?: string;
    pspCode?: string;
    pspDeclineCode?: string;
    completedAt?: string;
  } | null;
  /** Approved in mode AUTHORIZE or CAPTURE: where the money stands (minor units). */
  balance: {
    state: string;
    authorized: number;
    captured: number;
    refunded: number;
    capturable: number;
    refundable: number;
  } | null;
  /** Its captures, voids and refunds, oldest first. */
  operations: PaymentOperation[];
}

export interface PaymentOperation {
  operationId: string;
  operation: 'CAPTURE' | 'VOID' | 'REFUND';
  status: 'PENDING' | 'SUCCEEDED' | 'FAILED';
  amount: number;
  final: boolean;
  reason: string | null;
  failureReason: string | null;
  refundReference: string | null;
  requestedAt: string;
  completedAt: string | null;
}

export interface TimelineEntry {
  type: string;
  at: string;
  actor: string | null;
  data: Record<string, unknown>;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly fields: { field: string; message: string }[] = [],
  ) {
    super(message);
  }
}

let csrfToken = '';
export const setCsrfToken = (t: string): void => {
  csrfToken = t;
};

export async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET') headers['x-csrf-token'] = csrfToken;
  let res: Response;
  try {
    res = await fetch(`/console/api${path}`, {
      method,
      headers,
      credentials: 'same-origin',
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
  } catch {
    throw new ApiError(0, 'network');
  }
  if (res.status === 204) return undefined as T;
  const json = (await res.json().catch(() => ({}))) as {
    detail?: string;
    errors?: { field: string; message: string }[];
  };
  if (!res.ok) throw new ApiError(res.status, json.detail ?? res.statusText, json.errors ?? []);
  return json as T;
}
