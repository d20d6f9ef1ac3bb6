import {
  bool,
  ConfigError,
  configVariables,
  describeConfig,
  int,
  list,
  looksSecret,
  oneOf,
  optional,
  readConfig,
  str,
  url,
} from '@ivr/config';

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map((p) => `${p.variable} ${p.problem}`);
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('readConfig', () => {
  const spec = {
    port: int('PORT', { default: 8080, min: 1, max: 65535 }),
    dbUrl: url('DATABASE_URL', { protocols: ['postgres', 'postgresql'] }),
    brokers: list('KAFKA_BROKERS'),
    verbose: bool('VERBOSE', { default: false }),
    mode: oneOf('MODE', ['live', 'test'] as const, { default: 'test' }),
    region: optional(str('REGION')),
  };

  it('returns a typed object with defaults applied', () => {
    const config = readConfig(spec, {
      DATABASE_URL: 'postgres://u:p@localhost:5432/db',
      KAFKA_BROKERS: 'a:9092, b:9092,',
    });
    expect(config).toEqual({
      port: 8080,
      dbUrl: 'postgres://u:p@localhost:5432/db',
      brokers: ['a:9092', 'b:9092'],
      verbose: false,
      mode: 'test',
      region: undefined,
    });
  });

  it('parses given values', () => {
    const config = readConfig(spec, {
      PORT: '9000',
      DATABASE_URL: 'postgresql://h/db',
      KAFKA_BROKERS: 'k:1',
      VERBOSE: 'yes',
      MODE: 'live',
      REGION: 'eu',
    });
    expect(config.port).toBe(9000);
    expect(config.verbose).toBe(true);
    expect(config.mode).toBe('live');
    expect(config.region).toBe('eu');
  });

  it('lists every problem at once, naming each variable', () => {
    const problems = problemsOf(() =>
      readConfig(spec, { PORT: '70000', DATABASE_URL: 'mysql://h/db', VERBOSE: 'maybe', MODE: 'prod' }),
    );
    expect(problems).toEqual([
      'PORT must be at most 65535, got "70000"',
      'DATABASE_URL must be a postgres or postgresql URL, got scheme "mysql"',
      'KAFKA_BROKERS is required but not set',
      'VERBOSE must be one of true/1/yes/on/false/0/no/off, got "maybe"',
      'MODE must be one of live, test, got "prod"',
    ]);
  });

  it('puts every problem in the error message', () => {
    expect(() => readConfig({ a: str('A'), b: int('B') }, { B: 'x' })).toThrow(
      'invalid configuration (2 problems): A is required but not set; B must be an integer, got "x"',
    );
  });

  it('treats an empty variable as unset', () => {
    expect(problemsOf(() => readConfig({ a: str('A') }, { A: '  ' }))).toEqual(['A is required but not set']);
    expect(readConfig({ p: int('P', { default: 1 }) }, { P: '' }).p).toBe(1);
  });

  it('rejects non-integers and values under the minimum', () => {
    expect(problemsOf(() => readConfig({ a: int('A', { min: 1 }), b: int('B') }, { A: '0', B: '1.5' }))).toEqual([
      'A must be at least 1, got "0"',
      'B must be an integer, got "1.5"',
    ]);
  });

  it('rejects an invalid URL', () => {
    expect(problemsOf(() => readConfig({ a: url('SERVICE_URL') }, { SERVICE_URL: 'not a url' }))).toEqual([
      'SERVICE_URL must be a URL, got "not a url"',
    ]);
  });

  it('never echoes the value of a secret-looking variable', () => {
    const error = (() => {
      try {
        readConfig(
          { key: int('PSP_API_KEY'), token: oneOf('AUTH_TOKEN', ['a']), pw: url('DB_PASSWORD') },
          { PSP_API_KEY: 'sk_live_abc', AUTH_TOKEN: 'tok-123', DB_PASSWORD: 'hunter2' },
        );
      } catch (e) {
        return e as Error;
      }
    })();
    expect(error?.message).toContain('PSP_API_KEY must be an integer, got (value hidden)');
    expect(error?.message).not.toMatch(/sk_live_abc|tok-123|hunter2/);
  });

  it('cuts the password out of a URL shown in an error', () => {
    const message = problemsOf(() =>
      readConfig(
        { db: url('DATABASE_URL', { protocols: ['postgres'] }), n: int('N') },
        {
          DATABASE_URL: 'mysql://svc:s3cret@h/db',
          N: 'postgres://svc:s3cret@h/db',
        },
      ),
    ).join('\n');
    expect(message).not.toContain('s3cret');
    expect(message).toContain('N must be an integer, got "postgres://svc:***@h/db"');
  });

  it('recognises secret names', () => {
    for (const name of ['DB_PASSWORD', 'JWT_SECRET', 'PSP_API_KEY', 'GITHUB_TOKEN', 'PRIVATE_PEM']) {
      expect(looksSecret(name)).toBe(true);
    }
    for (const name of ['PORT', 'DATABASE_URL', 'AUTHORIZATION_GRPC_ADDRESS']) expect(looksSecret(name)).toBe(false);
  });
});

describe('describeConfig', () => {
  it('hides secrets and URL passwords so the config can be logged', () => {
    const spec = { db: url('DATABASE_URL'), key: str('PSP_API_KEY'), port: int('PORT') };
    const config = readConfig(spec, { DATABASE_URL: 'postgres://u:pw@h/db', PSP_API_KEY: 'sk_x', PORT: '1' });
    expect(describeConfig(spec, config)).toEqual({ db: 'postgres://u:***@h/db', key: '[hidden]', port: 1 });
  });
});

describe('configVariables', () => {
  it('names every variable and tells the required ones from those with a default or optional', () => {
    const spec = {
      url: url('DATABASE_URL'),
      port: int('PORT', { default: 8080 }),
      dir: optional(str('CERTS_DIR')),
      brokers: list('BROKERS'),
    };
    expect(configVariables(spec)).toEqual([
      { variable: 'DATABASE_URL', required: true },
      { variable: 'PORT', required: false },
      { variable: 'CERTS_DIR', required: false },
      { variable: 'BROKERS', required: true },
    ]);
  });
});
