/** Raw HTTP/1.1 over a TCP socket: request targets and headers no HTTP client would send. */
import { connect } from 'node:net';

export interface RawAnswer {
  /** The status code, or 0 when the server closed without answering. */
  readonly status: number;
  readonly text: string;
}

/** Sends `head` (request line and headers, CRLF-separated, no final blank line) and `body`; reads to close. */
export function rawRequest(port: number, head: string, body: Buffer | string = ''): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const done = () => {
      clearTimeout(timer);
      const text = Buffer.concat(chunks).toString('latin1');
      resolve({ status: Number(/^HTTP\/1\.[01] (\d{3})/.exec(text)?.[1] ?? 0), text });
    };
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer to ${JSON.stringify(head.split('\r\n')[0])}`));
    }, 10_000);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('close', done);
    socket.on('error', () => {}); // a server closing on an unread body resets the connection: read what came
    const length = Buffer.byteLength(body);
    socket.write(`${head}\r\nConnection: close\r\n${length ? `Content-Length: ${length}\r\n` : ''}\r\n`);
    if (length) socket.write(body);
  });
}
