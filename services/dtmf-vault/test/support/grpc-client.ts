// gRPC clients for the vault with the certificates of scripts/certs.sh (IVR_CERTS_DIR).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { type ClientUnaryCall, credentials, type ServiceError } from '@grpc/grpc-js';
import {
  type CaptureFieldRequest,
  type CaptureFieldResponse,
  type CloseLegRequest,
  type CloseLegResponse,
  type CloseMediaSessionRequest,
  type CloseMediaSessionResponse,
  Language as LegacyLanguage,
  type OpenMediaSessionRequest,
  type OpenMediaSessionResponse,
  type OpenOperatorLegRequest,
  type OpenOperatorLegResponse,
  type PlayPromptsRequest,
  type PlayPromptsResponse,
  type RegisterCardRequest,
  type RegisterCardResponse,
  type SetLegDirectionRequest,
  type SetLegDirectionResponse,
  type SetLegRemoteRequest,
  type SetLegRemoteResponse,
  Terminator,
  VaultServiceClient,
  type WatchMediaSessionResponse,
} from '@ivr/contracts/vault/v1';

export function certsDir(): string {
  const dir = process.env.IVR_CERTS_DIR;
  if (!dir) throw new Error('IVR_CERTS_DIR is not set: run make up-infra (it writes .var/env.json)');
  return dir;
}

export function vaultClient(port: number, identity: string, dir = certsDir(), caDir = certsDir()): VaultServiceClient {
  const read = (d: string, f: string) => readFileSync(path.join(d, f));
  return new VaultServiceClient(
    `127.0.0.1:${port}`,
    credentials.createSsl(read(caDir, 'ca.crt'), read(dir, `${identity}.key`), read(dir, `${identity}.crt`)),
  );
}

type Unary<Req, Res> = (request: Req, callback: (err: ServiceError | null, res: Res) => void) => ClientUnaryCall;

function promisify<Req, Res>(client: VaultServiceClient, method: Unary<Req, Res>): (request: Req) => Promise<Res> {
  return (request) =>
    new Promise((resolve, reject) => method.call(client, request, (err, res) => (err ? reject(err) : resolve(res))));
}

/**
 * A request as call-control sends it: `prompt_language`; the deprecated vault.v1 `language` only where a
 * test stands for a call-control of the previous release; `if_idle` (a filler) only where a test says so.
 */
type WithLegacyLanguage<T extends { language: LegacyLanguage; ifIdle: boolean }> = Omit<T, 'language' | 'ifIdle'> &
  Partial<Pick<T, 'language' | 'ifIdle'>>;

/** The vault's unary methods as promises. */
export function vaultApi(client: VaultServiceClient) {
  const play = promisify<PlayPromptsRequest, PlayPromptsResponse>(client, client.playPrompts);
  const open = promisify<OpenMediaSessionRequest, OpenMediaSessionResponse>(client, client.openMediaSession);
  return {
    /** Plain RTP unless `offeredCrypto` is given. */
    open: (
      request: Omit<OpenMediaSessionRequest, 'offeredCrypto'> & Partial<Pick<OpenMediaSessionRequest, 'offeredCrypto'>>,
    ) => open({ offeredCrypto: [], ...request }),
    play: (request: WithLegacyLanguage<PlayPromptsRequest>) =>
      play({ language: LegacyLanguage.LANGUAGE_UNSPECIFIED, ifIdle: false, ...request }),
    register: promisify<RegisterCardRequest, RegisterCardResponse>(client, client.registerCard),
    close: promisify<CloseMediaSessionRequest, CloseMediaSessionResponse>(client, client.closeMediaSession),
    openOperatorLeg: promisify<OpenOperatorLegRequest, OpenOperatorLegResponse>(client, client.openOperatorLeg),
    setLegRemote: promisify<SetLegRemoteRequest, SetLegRemoteResponse>(client, client.setLegRemote),
    setLegDirection: promisify<SetLegDirectionRequest, SetLegDirectionResponse>(client, client.setLegDirection),
    closeLeg: promisify<CloseLegRequest, CloseLegResponse>(client, client.closeLeg),
  };
}

/** Runs WatchMediaSession: the events so far, and a promise of the stream's end (or error). */
export function watchSession(client: VaultServiceClient, sessionId: string) {
  const events: WatchMediaSessionResponse[] = [];
  const stream = client.watchMediaSession({ sessionId });
  stream.on('data', (e: WatchMediaSessionResponse) => events.push(e));
  const ended = new Promise<void>((resolve, reject) => {
    stream.on('error', reject);
    stream.on('end', () => resolve());
  });
  return { events, ended, cancel: () => stream.cancel() };
}

/** Runs CaptureField and collects its stream until the vault ends it. */
export function captureField(
  client: VaultServiceClient,
  request: Partial<CaptureFieldRequest> & Pick<CaptureFieldRequest, 'sessionId' | 'kind' | 'promptLanguage'>,
): Promise<CaptureFieldResponse[]> {
  const full: CaptureFieldRequest = {
    language: LegacyLanguage.LANGUAGE_UNSPECIFIED,
    promptIds: [],
    retryPromptIds: [],
    minLength: 0,
    maxLength: 0,
    terminator: Terminator.TERMINATOR_UNSPECIFIED,
    firstDigitTimeoutMs: 20_000,
    interDigitTimeoutMs: 10_000,
    maxAttempts: 3,
    ...request,
  };
  return new Promise((resolve, reject) => {
    const updates: CaptureFieldResponse[] = [];
    const stream = client.captureField(full);
    stream.on('data', (u: CaptureFieldResponse) => updates.push(u));
    stream.on('error', reject);
    stream.on('end', () => resolve(updates));
  });
}
