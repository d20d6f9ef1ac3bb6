// A test-only service defined without a .proto: JSON on the wire through grpc-js's generic definitions.
import {
  type CallOptions,
  type ChannelCredentials,
  type Client,
  type ClientOptions,
  Metadata,
  type MethodDefinition,
  makeGenericClientConstructor,
  type ServiceDefinition,
  type ServiceError,
} from '@grpc/grpc-js';

export type Message = Record<string, unknown>;

function method(path: string, responseStream = false): MethodDefinition<Message, Message> {
  return {
    path,
    requestStream: false,
    responseStream,
    requestSerialize: (value) => Buffer.from(JSON.stringify(value)),
    requestDeserialize: (bytes) => JSON.parse(bytes.toString()) as Message,
    responseSerialize: (value) => Buffer.from(JSON.stringify(value)),
    responseDeserialize: (bytes) => JSON.parse(bytes.toString()) as Message,
  };
}

export const EchoService = {
  echo: method('/test.Echo/Echo'),
  fail: method('/test.Echo/Fail'),
  hang: method('/test.Echo/Hang'),
  count: method('/test.Echo/Count', true),
} satisfies ServiceDefinition;

/** One unary call as a promise; rejects with the ServiceError (code, details). */
export function unary<Req, Res>(
  client: Client,
  definition: MethodDefinition<Req, Res>,
  request: Req,
  options: CallOptions = {},
): Promise<Res> {
  return new Promise((resolve, reject) => {
    client.makeUnaryRequest(
      definition.path,
      definition.requestSerialize,
      definition.responseDeserialize,
      request,
      new Metadata(),
      options,
      (error: ServiceError | null, value?: Res) => (error ? reject(error) : resolve(value as Res)),
    );
  });
}

/** A server-streaming call collected into an array; rejects with the ServiceError. */
export function collect(client: Client, definition: MethodDefinition<Message, Message>, request: Message) {
  return new Promise<Message[]>((resolve, reject) => {
    const stream = client.makeServerStreamRequest(
      definition.path,
      definition.requestSerialize,
      definition.responseDeserialize,
      request,
      new Metadata(),
      {},
    );
    const messages: Message[] = [];
    stream.on('data', (message: Message) => messages.push(message));
    stream.on('error', reject);
    stream.on('end', () => resolve(messages));
  });
}

/** The code of the error a promise rejects with (fails the test if it resolves). */
export async function codeOf(promise: Promise<unknown>): Promise<number> {
  try {
    await promise;
  } catch (error) {
    return (error as ServiceError).code;
  }
  throw new Error('expected the call to fail');
}

/** The shape ts-proto (outputServices=grpc-js) gives generated client classes; createClient must take it. */
export const EchoClient = makeGenericClientConstructor(EchoService, 'test.Echo') as unknown as {
  new (address: string, credentials: ChannelCredentials, options?: Partial<ClientOptions>): Client;
  service: typeof EchoService;
  serviceName: string;
};
