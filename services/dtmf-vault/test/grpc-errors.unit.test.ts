// What call-control is told when a session cannot be opened: a full vault (VAULT_MAX_SESSIONS) and a
// spent RTP port range are RESOURCE_EXHAUSTED, which call-control takes as "try another replica",
// unlike a request the vault refuses as such (INVALID_ARGUMENT, FAILED_PRECONDITION).
import { status } from '@grpc/grpc-js';
import { PortRangeExhaustedError } from '@ivr/media';
import { toGrpcError } from '../src/adapters/grpc/vault-grpc-service';
import { BadRequestError, SessionLimitError, SrtpRefusedError } from '../src/app/vault';

test('a full vault is RESOURCE_EXHAUSTED; a bad request or a refused offer is not', () => {
  expect(toGrpcError(new SessionLimitError('too many media sessions')).code).toBe(status.RESOURCE_EXHAUSTED);
  expect(toGrpcError(new PortRangeExhaustedError('no free RTP port')).code).toBe(status.RESOURCE_EXHAUSTED);
  expect(toGrpcError(new BadRequestError('no common codec')).code).toBe(status.INVALID_ARGUMENT);
  expect(toGrpcError(new SrtpRefusedError([])).code).toBe(status.FAILED_PRECONDITION);
});
