import type { Client, MethodDefinition } from '@grpc/grpc-js';
import { service as healthService } from 'grpc-health-check';
import { unary } from './echo-service';

type CheckRequest = { service: string };
type CheckResponse = { status: string };

/** grpc.health.v1.Health/Check through any client (the method definition comes from grpc-health-check). */
export function checkHealth(client: Client, service: string): Promise<string> {
  const check = healthService.Check as unknown as MethodDefinition<CheckRequest, CheckResponse>;
  return unary(client, check, { service }).then((response) => response.status);
}
