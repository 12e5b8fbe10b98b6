import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort, stopChild } from './free-port.js';

const NGINX_BINARY = process.env.NGINX_BIN ?? '/usr/sbin/nginx';

export interface NginxProxy {
  url: string;
  close(): Promise<void>;
}

/**
 * Debian's nginx on 127.0.0.1 in front of a gateway, configured as an AWS ALB behaves for streams: HTTP/1.1
 * to the target, WebSocket upgrades passed through, no response buffering, and `idleTimeoutSeconds` as
 * the time a connection may carry no bytes before it is closed (`proxy_read_timeout`).
 */
export async function startNginxProxy(gatewayPort: number, idleTimeoutSeconds: number): Promise<NginxProxy> {
  if (!existsSync(NGINX_BINARY)) throw new Error(`${NGINX_BINARY} is missing: install it with "apt-get install -y nginx" (.ci/run does).`);
  const directory = mkdtempSync(path.join(tmpdir(), 'streamgate-nginx-'));
  for (const folder of ['body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) mkdirSync(path.join(directory, folder));
  const port = await freePort();
  const running = process.getuid?.() === 0 ? 'user root;\n' : '';
  writeFileSync(
    path.join(directory, 'nginx.conf'),
    `${running}worker_processes 1;
error_log ${directory}/error.log warn;
pid ${directory}/nginx.pid;
events { worker_connections 512; }
http {
  access_log off;
  client_body_temp_path ${directory}/body;
  proxy_temp_path ${directory}/proxy;
  fastcgi_temp_path ${directory}/fastcgi;
  uwsgi_temp_path ${directory}/uwsgi;
  scgi_temp_path ${directory}/scgi;
  map $http_upgrade $connection_upgrade { default upgrade; '' close; }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://127.0.0.1:${gatewayPort};
      proxy_http_version 1.1;
      proxy_set_header Host $host;
      proxy_set_header Upgrade $http_upgrade;
      proxy_set_header Connection $connection_upgrade;
      proxy_buffering off;
      proxy_read_timeout ${idleTimeoutSeconds}s;
      proxy_send_timeout ${idleTimeoutSeconds}s;
    }
  }
}
`,
  );
  const child: ChildProcess = spawn(NGINX_BINARY, ['-p', directory, '-c', path.join(directory, 'nginx.conf'), '-g', 'daemon off;'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  // Ready once it accepts connections on its port.
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`nginx exited: ${output}${existsSync(path.join(directory, 'error.log')) ? readFileSync(path.join(directory, 'error.log'), 'utf8') : ''}`);
    const accepted = await fetch(`http://127.0.0.1:${port}/health`).then(
      (response) => response.ok,
      () => false,
    );
    if (accepted) break;
    if (Date.now() > deadline) throw new Error(`nginx did not answer within 10 s: ${output}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      await stopChild(child, 'SIGTERM');
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
