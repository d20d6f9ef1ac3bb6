-- Operators of the console. Their events (stream `operator-<id>`, in the event table) are the audit
-- trail and the truth; `operators` is the projection updated in the same transaction.
create table operators (
  operator_id text primary key,
  username text not null unique,
  display_name text not null,
  role text not null check (role in ('operator', 'supervisor', 'admin')),
  team text,
  sip_address text not null default '',
  -- scrypt$N$r$p$salt$hash (src/operators/password.ts)
  password_hash text not null,
  disabled boolean not null default false,
  failed_attempts integer not null default 0,
  locked_until timestamptz,
  version integer not null,
  created_at timestamptz not null,
  updated_at timestamptz not null
);
create index operators_by_team on operators (team);

-- Signed-in browsers. Only a SHA-256 of the cookie value is kept; the CSRF token is per session.
create table operator_sessions (
  session_sha256 bytea primary key,
  operator_id text not null references operators (operator_id),
  csrf_token text not null,
  created_at timestamptz not null,
  expires_at timestamptz not null,
  last_seen_at timestamptz not null
);
create index operator_sessions_by_operator on operator_sessions (operator_id);
