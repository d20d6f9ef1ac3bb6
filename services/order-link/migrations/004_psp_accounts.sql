-- PSP accounts of order systems (docs/decisions/0010-psp-per-merchant.md): a gateway and the merchant's
-- credentials at it. The credentials are sealed (AES-256-GCM under PSP_ACCOUNT_KEYS, the key's id beside
-- each ciphertext, the account id bound in as associated data); only GMO-PG's ShopID and SiteID, which are
-- not secrets, are kept in clear to show. An account is never deleted: the payments made with it keep using
-- it (capture, void, refund, reconciliation). `active` marks the one an order system's new payments use.
create table psp_accounts (
  account_id text primary key,
  order_system text not null,
  provider text not null,
  public_ids jsonb not null default '{}',
  credentials_ciphertext bytea not null,
  credentials_key_id text not null,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  active boolean not null default true
);
create unique index psp_accounts_active on psp_accounts (order_system) where active;
