// A small real SOCKS5 proxy (RFC 1928 CONNECT, RFC 1929 username/password),
// plain or over mutual TLS like Grafana's secure socks proxy (PDC). It
// records each tunnel's credentials and target so a test proves the client
// really went through it.
import { connect, createServer as createTcpServer, type Socket } from "node:net";
import type { AddressInfo, Server } from "node:net";
import { createServer as createTlsServer } from "node:tls";
import type { Pem } from "./http-upstream.js";

export interface Socks5Proxy {
  address: string;
  tunnels: { username: string; target: string }[];
  close(): Promise<void>;
}

export interface Socks5ProxyOptions {
  username: string;
  password: string;
  /** Serve over TLS requiring a client certificate signed by `ca`. */
  tls?: { server: Pem; ca: string };
}

export async function startSocks5Proxy(options: Socks5ProxyOptions): Promise<Socks5Proxy> {
  const tunnels: Socks5Proxy["tunnels"] = [];
  const sockets = new Set<Socket>();
  const handle = (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => socket.destroy());
    serveSocks(socket, options, tunnels).catch(() => socket.destroy());
  };
  const server: Server = options.tls
    ? createTlsServer(
        {
          cert: options.tls.server.certPem,
          key: options.tls.server.keyPem,
          ca: options.tls.ca,
          requestCert: true,
          rejectUnauthorized: true,
          minVersion: "TLSv1.3",
        },
        handle,
      )
    : createTcpServer(handle);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    address: `127.0.0.1:${port}`,
    tunnels,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

async function serveSocks(
  socket: Socket,
  options: Socks5ProxyOptions,
  tunnels: Socks5Proxy["tunnels"],
): Promise<void> {
  const read = reader(socket);
  const [version, methodCount] = await read(2);
  const methods = await read(methodCount);
  if (version !== 5 || !methods.includes(2)) return void socket.end(Buffer.from([5, 0xff]));
  socket.write(Buffer.from([5, 2])); // username/password
  const [, userLength] = await read(2);
  const username = (await read(userLength)).toString();
  const [passwordLength] = await read(1);
  const password = (await read(passwordLength)).toString();
  const ok = username === options.username && password === options.password;
  socket.write(Buffer.from([1, ok ? 0 : 1]));
  if (!ok) return void socket.end();
  const [, command, , addressType] = await read(4);
  let host: string;
  if (addressType === 1) host = [...(await read(4))].join(".");
  else if (addressType === 3) host = (await read((await read(1))[0])).toString();
  else return void socket.end(Buffer.from([5, 8, 0, 1, 0, 0, 0, 0, 0, 0]));
  const port = (await read(2)).readUInt16BE(0);
  if (command !== 1) return void socket.end(Buffer.from([5, 7, 0, 1, 0, 0, 0, 0, 0, 0]));
  const upstream = connect(port, host);
  upstream.once("error", () => socket.end(Buffer.from([5, 5, 0, 1, 0, 0, 0, 0, 0, 0])));
  upstream.once("connect", () => {
    tunnels.push({ username, target: `${host}:${port}` });
    socket.write(Buffer.from([5, 0, 0, 1, 0, 0, 0, 0, 0, 0]));
    const rest = read.rest();
    if (rest.length > 0) upstream.write(rest);
    socket.pipe(upstream).pipe(socket);
    upstream.on("error", () => socket.destroy());
  });
}

/** Reads exact byte counts from a socket; `rest()` hands back what arrived beyond them. */
function reader(socket: Socket) {
  let buffered = Buffer.alloc(0);
  let waiting: (() => void) | undefined;
  const onData = (chunk: Buffer) => {
    buffered = Buffer.concat([buffered, chunk]);
    waiting?.();
  };
  socket.on("data", onData);
  socket.on("close", () => waiting?.());
  const read = async (n: number): Promise<Buffer> => {
    while (buffered.length < n) {
      if (socket.destroyed) throw new Error("socket closed");
      await new Promise<void>((resolve) => (waiting = resolve));
    }
    const out = buffered.subarray(0, n);
    buffered = buffered.subarray(n);
    return out;
  };
  read.rest = () => {
    socket.off("data", onData);
    const out = buffered;
    buffered = Buffer.alloc(0);
    return out;
  };
  return read;
}
