import type { Pool } from 'pg';
import type { Payment, PaymentStatus } from '../../payment';

/** Who asks, which decides what they may see: their own payments, their team's, or all. */
export interface Viewer {
  operatorId: string;
  role: 'operator' | 'supervisor' | 'admin';
  team: string | null;
}

export interface ConsoleFilter {
  orderId?: string;
  status?: PaymentStatus;
  /** Operator id whose payments to show. */
  operatorId?: string;
  createdFrom?: Date;
  createdTo?: Date;
  limit: number;
}

export interface ConsolePayment {
  payment: Payment;
  operatorId: string | null;
  operatorName: string | null;
}

/** The operator a payment belongs to: the one who requested it, or `metadata.operatorId` from an order system. */
const OWNER = `(case when p.state->'request'->'requestedBy'->>'kind' = 'operator'
  then p.state->'request'->'requestedBy'->>'id' else p.state->'request'->'metadata'->>'operatorId' end)`;

/** Reads of the `payments` read model across order systems, limited to what the viewer may see. */
export class ConsoleQueries {
  constructor(
    private readonly pool: Pool,
    private readonly schema: string,
  ) {}

  async search(viewer: Viewer, f: ConsoleFilter): Promise<ConsolePayment[]> {
    const args: unknown[] = [];
    const where: string[] = [];
    const arg = (v: unknown) => {
      args.push(v);
      return `$${args.length}`;
    };
    where.push(this.visibility(viewer, arg, f.orderId !== undefined));
    if (f.orderId) where.push(`p.order_id = ${arg(f.orderId)}`);
    if (f.status) where.push(`p.status = ${arg(f.status)}`);
    if (f.operatorId) where.push(`${OWNER} = ${arg(f.operatorId)}`);
    if (f.createdFrom) where.push(`p.created_at >= ${arg(f.createdFrom)}`);
    if (f.createdTo) where.push(`p.created_at < ${arg(f.createdTo)}`);
    const { rows } = await this.pool.query<{ state: Payment; owner: string | null; owner_name: string | null }>(
      `select p.state, ${OWNER} as owner, o.display_name as owner_name
         from "${this.schema}".payments p left join "${this.schema}".operators o on o.operator_id = ${OWNER}
        where ${where.join(' and ')}
        order by p.created_at desc, p.payment_id desc limit ${arg(f.limit)}`,
      args,
    );
    return rows.map((r) => ({ payment: r.state, operatorId: r.owner, operatorName: r.owner_name }));
  }

  async get(viewer: Viewer, paymentId: string): Promise<ConsolePayment | null> {
    const args: unknown[] = [paymentId];
    const arg = (v: unknown) => {
      args.push(v);
      return `$${args.length}`;
    };
    const { rows } = await this.pool.query<{ state: Payment; owner: string | null; owner_name: string | null }>(
      `select p.state, ${OWNER} as owner, o.display_name as owner_name
         from "${this.schema}".payments p left join "${this.schema}".operators o on o.operator_id = ${OWNER}
        where p.payment_id = $1 and ${this.visibility(viewer, arg, true)}`,
      args,
    );
    const r = rows[0];
    return r ? { payment: r.state, operatorId: r.owner, operatorName: r.owner_name } : null;
  }

  /**
   * Admins see everything; supervisors their team's and their own; operators their own, and a
   * payment an order system created without naming an operator when they open it by its order id or id.
   */
  private visibility(v: Viewer, arg: (value: unknown) => string, exact: boolean): string {
    if (v.role === 'admin') return 'true';
    const mine = `${OWNER} = ${arg(v.operatorId)}`;
    const unassigned = exact ? ` or ${OWNER} is null` : '';
    if (v.role === 'supervisor' && v.team) return `(${mine} or o.team = ${arg(v.team)}${unassigned})`;
    return `(${mine}${unassigned})`;
  }
}
