-- Cards stored by REGISTER_CARD payments, by the order system that registered them: a merchant-initiated
-- payment (`storedCard` on POST /v1/payments) names one by its stored card reference, and only its own
-- order system's. Written with the payment's approval (PaymentStore); rows for registrations approved
-- before this table are taken from the read model below (their customer reference was not kept: '').
create table stored_cards (
  order_system text not null,
  stored_card_reference text not null,
  registration_payment_id text not null,
  customer_reference text not null,
  registered_at timestamptz not null,
  primary key (order_system, stored_card_reference)
);
insert into stored_cards (order_system, stored_card_reference, registration_payment_id, customer_reference, registered_at)
select order_system, state->'result'->>'storedCardReference', payment_id, '', updated_at
  from payments
 where status = 'APPROVED' and state->'request'->>'mode' = 'REGISTER_CARD'
   and coalesce(state->'result'->>'storedCardReference', '') <> ''
on conflict do nothing;

-- A merchant-initiated payment has no transfer code, so nothing to expire.
alter table payments alter column transfer_code_expires_at drop not null;
