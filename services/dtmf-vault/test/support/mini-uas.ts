// The smallest SIP UAS that lets a real phone call a vault media session (UDP, no authentication,
// no retransmissions): answers an INVITE with 200 OK whose SDP is the vault's RTP endpoint, and a
// BYE with 200 OK. call-control's SIP stack does this in production; this keeps the vault's test
// independent of it.
import dgram from 'node:dgram';

export interface SdpOffer {
  address: string;
  port: number;
  /** Payload types of the m=audio line, in order. */
  payloadTypes: number[];
  telephoneEventPayloadType: number | undefined;
  /** RTP/SAVP: the a=crypto values (SDES keys) of the audio stream, in order. */
  crypto: string[];
}

export interface SdpAnswer {
  address: string;
  port: number;
  codecPayloadType: number;
  telephoneEventPayloadType: number;
  /** The answer's a=crypto value: the answer is then RTP/SAVP. */
  crypto?: string;
}

export function parseSdp(body: string): SdpOffer {
  const address = /^c=IN IP4 (\S+)/m.exec(body)?.[1] ?? '127.0.0.1';
  const media = /^m=audio (\d+) RTP\/S?AVP ([\d ]+)/m.exec(body);
  const event = /^a=rtpmap:(\d+) telephone-event\/8000/m.exec(body);
  return {
    address,
    port: Number(media?.[1] ?? 0),
    payloadTypes: (media?.[2] ?? '').trim().split(/\s+/).map(Number),
    telephoneEventPayloadType: event ? Number(event[1]) : undefined,
    crypto: [...body.matchAll(/^a=crypto:(.+?)\r?$/gm)].map((m) => m[1] as string),
  };
}

function answerSdp(a: SdpAnswer): string {
  const codec = a.codecPayloadType === 0 ? 'PCMU' : 'PCMA';
  return [
    'v=0',
    `o=vault 1 1 IN IP4 ${a.address}`,
    's=-',
    `c=IN IP4 ${a.address}`,
    't=0 0',
    `m=audio ${a.port} ${a.crypto ? 'RTP/SAVP' : 'RTP/AVP'} ${a.codecPayloadType} ${a.telephoneEventPayloadType}`,
    `a=rtpmap:${a.codecPayloadType} ${codec}/8000`,
    `a=rtpmap:${a.telephoneEventPayloadType} telephone-event/8000`,
    `a=fmtp:${a.telephoneEventPayloadType} 0-15`,
    'a=ptime:20',
    'a=sendrecv',
    ...(a.crypto ? [`a=crypto:${a.crypto}`] : []),
    '',
  ].join('\r\n');
}

export class MiniUas {
  private constructor(
    private readonly socket: dgram.Socket,
    readonly port: number,
  ) {}

  /** `onInvite` opens the media session for the offer and returns the answer's media. */
  static async start(onInvite: (offer: SdpOffer) => Promise<SdpAnswer>, onBye: () => void): Promise<MiniUas> {
    const socket = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    const uas = new MiniUas(socket, socket.address().port);
    socket.on('message', (msg, from) => {
      void uas.handle(msg.toString('utf8'), from, onInvite, onBye);
    });
    return uas;
  }

  close(): void {
    this.socket.close();
  }

  private async handle(
    text: string,
    from: dgram.RemoteInfo,
    onInvite: (offer: SdpOffer) => Promise<SdpAnswer>,
    onBye: () => void,
  ): Promise<void> {
    const [head = '', body = ''] = text.split('\r\n\r\n');
    const lines = head.split('\r\n');
    const method = lines[0]?.split(' ')[0];
    if (!method || method.startsWith('SIP/') || method === 'ACK') return;
    const header = (name: string) =>
      lines
        .filter((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`))
        .map((l) => l.slice(name.length + 1).trim());
    const reply = (status: string, extra: string[] = [], content = '') => {
      const to = header('To')[0] ?? '';
      const response = [
        `SIP/2.0 ${status}`,
        ...header('Via').map((v) => `Via: ${v}`),
        `From: ${header('From')[0] ?? ''}`,
        `To: ${to.includes('tag=') ? to : `${to};tag=vault${this.port}`}`,
        `Call-ID: ${header('Call-ID')[0] ?? ''}`,
        `CSeq: ${header('CSeq')[0] ?? ''}`,
        ...extra,
        `Content-Length: ${Buffer.byteLength(content)}`,
        '',
        content,
      ].join('\r\n');
      this.socket.send(response, from.port, from.address);
    };
    if (method === 'INVITE') {
      reply('100 Trying');
      const answer = await onInvite(parseSdp(body));
      reply(
        '200 OK',
        [`Contact: <sip:ivr@127.0.0.1:${this.port}>`, 'Content-Type: application/sdp'],
        answerSdp(answer),
      );
    } else if (method === 'BYE') {
      reply('200 OK');
      onBye();
    } else {
      reply('200 OK');
    }
  }
}
