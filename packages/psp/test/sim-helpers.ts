/** Test helpers around the simulator's /_sim controls. */
export async function setFault(url: string, fault: Record<string, unknown>): Promise<void> {
  const res = await fetch(`${url}/_sim/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(fault),
  });
  if (res.status !== 201) throw new Error(`fault not set: ${res.status} ${await res.text()}`);
}

export async function resetSimulator(url: string): Promise<void> {
  await fetch(`${url}/_sim/reset`, { method: 'POST' });
}

export interface ChargeCounts {
  total: number;
  byIdempotencyKey: Record<string, number>;
  byPaymentIntent: Record<string, number>;
  byPaymentId: Record<string, number>;
  charges: { moto: boolean; paymentIntent: string }[];
}

export async function chargeCounts(url: string): Promise<ChargeCounts> {
  return (await (await fetch(`${url}/_sim/charges`)).json()) as ChargeCounts;
}
